import type { ReactNode } from "react";
import { cx } from "./cx";

/** A column header: its text, or the text with alignment, padding or a screen-reader-only label. */
export type Column =
  | string
  | {
      label: string;
      align?: "right";
      /** Shown to screen readers only (an actions column). */
      srOnly?: boolean;
      /** Replaces the default cell padding. */
      pad?: string;
      className?: string;
    };

/**
 * A table with its header row, scrolling sideways on narrow screens. `divided` draws lines
 * between rows, and under the header unless it is "rows" (otherwise rows draw their own
 * borders); `compact` is the padding of a table inside a card body.
 */
export function DataTable({
  columns,
  caption,
  divided,
  compact = false,
  headClassName,
  children,
}: {
  columns: Column[];
  caption?: string;
  divided?: boolean | "rows";
  compact?: boolean;
  headClassName?: string;
  children: ReactNode;
}) {
  return (
    <div className="relative overflow-x-auto">
      <table className="w-full text-left text-sm">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead className={cx("text-xs text-muted", divided === true && "border-b border-line", headClassName)}>
          <tr>
            {columns.map((c, i) => {
              const col = typeof c === "string" ? { label: c } : c;
              return (
                <th
                  key={col.label || i}
                  scope="col"
                  className={cx(col.pad ?? (compact ? "py-1 pr-3" : "px-4 py-2"), "font-medium", col.align === "right" && "text-right", col.className)}
                >
                  {col.srOnly ? <span className="sr-only">{col.label}</span> : col.label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className={divided ? "divide-y divide-line" : undefined}>{children}</tbody>
      </table>
    </div>
  );
}
