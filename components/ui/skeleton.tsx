import type { ReactNode } from "react";
import { Card } from "./card";
import { cx } from "./cx";

/** A grey placeholder block while a widget loads. Hidden from assistive tech; wrap a group in an element with aria-busy. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden className={cx("rounded-md bg-subtle motion-safe:animate-pulse", className)} />;
}

/** One card of placeholder bars (their class names), stacked unless `className` lays them out. */
export type SkeletonCard = string[] | { bars: string[]; className: string };

/** Three figures in a row, the stat strip at the top of a detail page. */
export const SKELETON_STATS: SkeletonCard = { className: "grid gap-4 sm:grid-cols-3", bars: ["h-10", "h-10", "h-10"] };

/**
 * A page's loading.tsx: a title bar (with an optional kicker above it and description under it),
 * then cards of bars, then anything else in `children`.
 */
export function PageSkeleton({
  label,
  title,
  kicker = false,
  description = false,
  cards = [],
  children,
}: {
  label: string;
  /** Size classes of the title bar. */
  title: string;
  kicker?: boolean;
  description?: boolean;
  cards?: SkeletonCard[];
  children?: ReactNode;
}) {
  return (
    <div aria-busy="true" aria-label={label} className="space-y-6">
      <div className="space-y-2">
        {kicker ? <Skeleton className="h-3 w-16" /> : null}
        <Skeleton className={title} />
        {description ? <Skeleton className="h-4 w-96 max-w-full" /> : null}
      </div>
      {cards.map((card, i) => {
        const { bars, className } = Array.isArray(card) ? { bars: card, className: "space-y-3" } : card;
        return (
          <Card key={i} className={cx("p-4", className)}>
            {bars.map((b, j) => (
              <Skeleton key={j} className={b} />
            ))}
          </Card>
        );
      })}
      {children}
    </div>
  );
}
