"use client";

import { cx } from "@/components/ui/cx";
import { TIME_RANGE_LABELS, TIME_RANGES, type TimeRange } from "@/lib/endpoints/client/queries";

/** Segmented control for the charts' time range; the value lives in the URL (?range=). */
export function TimeRangePicker({ value, onChange }: { value: TimeRange; onChange: (r: TimeRange) => void }) {
  return (
    <div role="radiogroup" aria-label="Time range" className="inline-flex rounded-md border border-line-strong bg-surface p-0.5">
      {(Object.keys(TIME_RANGES) as TimeRange[]).map((r) => (
        <button
          key={r}
          type="button"
          role="radio"
          aria-checked={r === value}
          aria-label={TIME_RANGE_LABELS[r]}
          onClick={() => onChange(r)}
          className={cx("rounded px-2 py-0.5 text-xs font-medium", r === value ? "bg-accent text-accent-fg" : "text-muted hover:bg-subtle hover:text-fg")}
        >
          {r}
        </button>
      ))}
    </div>
  );
}
