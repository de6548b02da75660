import { cx } from "@/components/ui/cx";
import type { DayBar } from "@/lib/charts/criteria";

const COLOUR: Record<DayBar["worst"], string> = {
  pass: "bg-emerald-500",
  fail: "bg-red-500",
  pending: "bg-amber-400",
  unknown: "bg-zinc-400 dark:bg-zinc-500",
  none: "bg-line",
};

/** Status-page style day bars (oldest left). Each bar has its own text; the group is described as a whole. */
export function DayBars({ bars, className }: { bars: DayBar[]; className?: string }) {
  const failing = bars.filter((b) => b.worst === "fail").length;
  const passing = bars.filter((b) => b.worst === "pass").length;
  const noData = bars.filter((b) => b.worst === "none").length;
  const description = `Last ${bars.length} days: ${passing} passing, ${failing} with a failure, ${noData} without data.`;
  return (
    <div className={cx("min-w-0", className)}>
      <ul role="img" aria-label={description} className="flex h-6 items-stretch print:h-3 gap-px [print-color-adjust:exact]">
        {bars.map((b) => (
          <li key={b.day} title={b.label} className={cx("min-w-0 flex-1 rounded-[2px]", COLOUR[b.worst])} />
        ))}
      </ul>
      <div aria-hidden className="mt-1 flex justify-between text-[0.625rem] text-faint">
        <span>{bars[0]?.day.slice(5)}</span>
        <span>today</span>
      </div>
    </div>
  );
}
