"use client";

import { useEffect } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { AlertIcon } from "@/components/ui/icons";

export interface RouteErrorProps {
  error: unknown;
  retry?: () => void;
  reset?: () => void;
}

/** The body of a route segment's error.tsx: what failed, try again, and a way back to the list. */
export function RouteError({ error, retry, reset, title, detail, back }: RouteErrorProps & { title: string; detail: string; back?: { href: string; label: string } }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const again = retry ?? reset;
  return (
    <Card role="alert">
      <EmptyState
        icon={<AlertIcon size={20} />}
        title={title}
        headingLevel={1}
        actions={
          <>
            {again ? (
              <Button variant="primary" onClick={() => again()}>
                Try again
              </Button>
            ) : null}
            {back ? <ButtonLink href={back.href}>{back.label}</ButtonLink> : null}
          </>
        }
      >
        <p>{detail}</p>
      </EmptyState>
    </Card>
  );
}
