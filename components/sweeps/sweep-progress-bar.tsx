import type { SweepProgressDto } from "@/lib/api/specs/sweeps";
import { progressPercent } from "./format";

/**
 * Done (completed / failed) and in-flight segments of a sweep's trial budget. Open-ended sweeps
 * (no run_cap, infinite space) show counts without a bar fill.
 */
export function SweepProgressBar({ progress, label, className }: { progress: SweepProgressDto; label: string; className?: string }) {
  const total = progress.total;
  const pct = progressPercent(progress.done, total);
  const seg = (n: number) => (total && total > 0 ? `${Math.min(100, (n / total) * 100)}%` : "0%");
  const unit = progress.unit === "grid points" ? " grid points" : "";
  const text = total === null ? `${progress.done} done (open-ended)` : `${progress.done} of ${total}${unit} done`;
  return (
    <div className={className}>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={total === null ? undefined : progress.done}
        aria-valuetext={text}
        className="flex h-1.5 w-full overflow-hidden rounded-full bg-subtle"
      >
        <span className="h-full bg-emerald-500" style={{ width: seg(progress.completed) }} />
        <span className="h-full bg-red-500" style={{ width: seg(progress.failed) }} />
        <span className="h-full bg-faint" style={{ width: seg(progress.stopped) }} />
        <span className="h-full bg-accent/50 motion-safe:animate-pulse" style={{ width: seg(progress.running) }} />
      </div>
      <p className="mt-1 text-xs tabular-nums text-muted">
        {text}
        {pct !== null ? ` · ${Math.floor(pct)}%` : ""}
        {progress.running ? ` · ${progress.running} running` : ""}
        {progress.queued ? ` · ${progress.queued} queued` : ""}
        {progress.failed ? ` · ${progress.failed} failed` : ""}
        {progress.retries ? ` · ${progress.retries} ${progress.retries === 1 ? "retry" : "retries"}` : ""}
      </p>
    </div>
  );
}
