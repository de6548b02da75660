import type { HTMLAttributes, ReactNode } from "react";
import { cx } from "./cx";

/** A bordered surface. Use as="section" with aria-labelledby when it is a titled region of the page. */
export function Card({ className, as: Tag = "div", ...props }: HTMLAttributes<HTMLElement> & { as?: "div" | "section" }) {
  return <Tag className={cx("min-w-0 rounded-lg border border-line bg-surface shadow-xs shadow-black/[0.03]", className)} {...props} />;
}

export function CardHeader({
  title,
  description,
  actions,
  headingLevel = 2,
  id,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  headingLevel?: 2 | 3;
  id?: string;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2 border-b border-line px-4 py-3">
      <div className="min-w-0">
        <Heading id={id} className="text-sm font-semibold text-fg">
          {title}
        </Heading>
        {description ? <p className="mt-0.5 text-xs text-muted">{description}</p> : null}
      </div>
      {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}

export function CardBody({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div className={cx("p-4", className)} {...props} />;
}

/** A titled region of the page: a card whose header's heading names the section (one id for both). */
export function CardSection({
  id,
  className,
  children,
  ...header
}: {
  id: string;
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  headingLevel?: 2 | 3;
  className?: string;
  children?: ReactNode;
}) {
  return (
    <Card as="section" aria-labelledby={id} className={className}>
      <CardHeader id={id} {...header} />
      {children}
    </Card>
  );
}
