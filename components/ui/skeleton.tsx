import { cx } from "./cx";

/** A grey placeholder block while a widget loads. Hidden from assistive tech; wrap a group in an element with aria-busy. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden className={cx("rounded-md bg-subtle motion-safe:animate-pulse", className)} />;
}
