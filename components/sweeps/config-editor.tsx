"use client";

import { forwardRef, useImperativeHandle, useMemo, useRef, useState, type UIEvent } from "react";
import { cx } from "@/components/ui/cx";

export interface EditorMarker {
  line: number;
  col?: number;
  message: string;
  path?: string;
}

export interface ConfigEditorHandle {
  /** Puts the caret at a line (1-based) and scrolls it into view. */
  goToLine(line: number, col?: number): void;
}

const LINE_PX = 20;
const PAD_PX = 8;

/**
 * A plain-text editor for sweep configs: a textarea (no wrapping) with a line-number gutter and
 * the lines that have errors highlighted. The text is the user's: never interpreted as HTML.
 */
export const ConfigEditor = forwardRef<ConfigEditorHandle, {
  id: string;
  value: string;
  onChange: (text: string) => void;
  markers: EditorMarker[];
  label: string;
  describedBy?: string;
  rows?: number;
}>(function ConfigEditor({ id, value, onChange, markers, label, describedBy, rows = 24 }, ref) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [scroll, setScroll] = useState({ top: 0, left: 0 });
  const lineCount = useMemo(() => Math.max(1, value.split("\n").length), [value]);
  const errorLines = useMemo(() => new Set(markers.map((m) => m.line)), [markers]);

  useImperativeHandle(ref, () => ({
    goToLine(line: number, col = 1) {
      const el = area.current;
      if (!el) return;
      const lines = el.value.split("\n");
      let offset = 0;
      for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
      offset += Math.max(0, Math.min(col - 1, (lines[line - 1] ?? "").length));
      el.focus();
      el.setSelectionRange(offset, offset);
      el.scrollTop = Math.max(0, (line - 4) * LINE_PX);
    },
  }));

  const onScroll = (e: UIEvent<HTMLTextAreaElement>) => setScroll({ top: e.currentTarget.scrollTop, left: e.currentTarget.scrollLeft });
  const height = rows * LINE_PX + 2 * PAD_PX;

  return (
    <div className="relative flex overflow-hidden rounded-md border border-line-strong bg-surface font-mono text-[13px] focus-within:border-accent" style={{ height }}>
      <div aria-hidden className="relative w-12 shrink-0 select-none overflow-hidden border-r border-line bg-subtle text-right text-faint">
        <div style={{ transform: `translateY(${PAD_PX - scroll.top}px)` }}>
          {Array.from({ length: lineCount }, (_, i) => (
            <div
              key={i}
              className={cx("pr-2", errorLines.has(i + 1) && "bg-red-100 font-semibold text-red-700 dark:bg-red-400/20 dark:text-red-300")}
              style={{ height: LINE_PX, lineHeight: `${LINE_PX}px` }}
            >
              {i + 1}
            </div>
          ))}
        </div>
      </div>
      <div className="relative min-w-0 flex-1">
        <div aria-hidden className="pointer-events-none absolute inset-0 overflow-hidden">
          {[...errorLines].map((line) => (
            <div
              key={line}
              data-error-line={line}
              className="absolute inset-x-0 bg-red-100/80 dark:bg-red-400/15"
              style={{ top: PAD_PX + (line - 1) * LINE_PX - scroll.top, height: LINE_PX }}
            />
          ))}
        </div>
        <textarea
          ref={area}
          id={id}
          aria-label={label}
          aria-describedby={describedBy}
          aria-invalid={markers.length > 0 || undefined}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          onScroll={onScroll}
          onKeyDown={(e) => {
            // Tab indents (two spaces, as YAML wants) instead of leaving the field; Esc then Tab leaves.
            if (e.key === "Tab" && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && e.currentTarget.dataset.escaped !== "1") {
              e.preventDefault();
              const el = e.currentTarget;
              const { selectionStart: s, selectionEnd: end } = el;
              const next = `${el.value.slice(0, s)}  ${el.value.slice(end)}`;
              onChange(next);
              requestAnimationFrame(() => el.setSelectionRange(s + 2, s + 2));
            }
            e.currentTarget.dataset.escaped = e.key === "Escape" ? "1" : "0";
          }}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          autoCorrect="off"
          wrap="off"
          className="absolute inset-0 h-full w-full resize-none bg-transparent px-3 text-fg outline-none"
          style={{ lineHeight: `${LINE_PX}px`, paddingTop: PAD_PX, paddingBottom: PAD_PX, tabSize: 2 }}
        />
      </div>
    </div>
  );
});
