import type { ReactNode } from "react";
import { cx } from "./cx";

/**
 * What a list shows when it has nothing yet: what would be here, why it is
 * empty, and what to do next. Never a blank box.
 */
export function EmptyState({
  icon,
  title,
  children,
  actions,
  headingLevel = 2,
  size = "md",
  className,
}: {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
  /** 1 when the empty state is the whole page (not found, error). */
  headingLevel?: 1 | 2 | 3;
  size?: "sm" | "md";
  className?: string;
}) {
  const Heading = (["h1", "h2", "h3"] as const)[headingLevel - 1];
  return (
    <div className={cx("flex flex-col items-center px-6 text-center", size === "sm" ? "py-8" : "py-12", className)}>
      {icon ? (
        <div aria-hidden className="mb-4 flex size-10 items-center justify-center rounded-lg border border-line bg-subtle text-muted">
          {icon}
        </div>
      ) : null}
      <Heading className="text-sm font-semibold text-fg">{title}</Heading>
      {children ? <div className="mt-1.5 max-w-md space-y-2 text-sm leading-6 text-muted">{children}</div> : null}
      {actions ? <div className="mt-5 flex flex-wrap items-center justify-center gap-2">{actions}</div> : null}
    </div>
  );
}
