import type { ReactNode } from "react";
import { ButtonLink } from "./button";
import { Card } from "./card";
import { EmptyState } from "./empty-state";

/** The body of a not-found.tsx: what is missing, why it may be, and the way back. */
export function NotFoundCard({ icon, title, detail, back }: { icon: ReactNode; title: string; detail: string; back: { href: string; label: string } }) {
  return (
    <Card>
      <EmptyState
        icon={icon}
        title={title}
        headingLevel={1}
        actions={
          <ButtonLink href={back.href} variant="primary">
            {back.label}
          </ButtonLink>
        }
      >
        <p>{detail}</p>
      </EmptyState>
    </Card>
  );
}
