import type { ReactNode } from "react";
import { cx } from "./cx";

export type BadgeTone = "neutral" | "accent" | "success" | "warning" | "danger" | "info";

const TONES: Record<BadgeTone, { box: string; dot: string }> = {
  neutral: { box: "bg-subtle text-muted ring-line-strong/60", dot: "bg-faint" },
  accent: { box: "bg-accent-soft text-accent ring-accent/25", dot: "bg-accent" },
  success: {
    box: "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-400/10 dark:text-emerald-300 dark:ring-emerald-400/25",
    dot: "bg-emerald-500",
  },
  warning: {
    box: "bg-amber-50 text-amber-800 ring-amber-600/25 dark:bg-amber-400/10 dark:text-amber-300 dark:ring-amber-400/25",
    dot: "bg-amber-500",
  },
  danger: {
    box: "bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-400/10 dark:text-red-300 dark:ring-red-400/25",
    dot: "bg-red-500",
  },
  info: {
    box: "bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-400/10 dark:text-sky-300 dark:ring-sky-400/25",
    dot: "bg-sky-500",
  },
};

export function Badge({
  tone = "neutral",
  dot = false,
  pulse = false,
  className,
  title,
  children,
}: {
  tone?: BadgeTone;
  dot?: boolean;
  /** Animate the dot, for "live" states. Respects prefers-reduced-motion. */
  pulse?: boolean;
  className?: string;
  title?: string;
  children: ReactNode;
}) {
  const t = TONES[tone];
  return (
    <span
      title={title}
      className={cx(
        "inline-flex items-center gap-1.5 whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        t.box,
        className,
      )}
    >
      {dot ? (
        <span aria-hidden className="relative flex size-1.5">
          {pulse ? <span className={cx("absolute inline-flex size-full rounded-full opacity-60 motion-safe:animate-ping", t.dot)} /> : null}
          <span className={cx("relative inline-flex size-1.5 rounded-full", t.dot)} />
        </span>
      ) : null}
      {children}
    </span>
  );
}
