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
export function RouteError({
  error,
  retry,
  reset,
  title,
  detail,
  back,
  showDigest = false,
}: RouteErrorProps & { title: string; detail: string; back?: { href: string; label: string }; showDigest?: boolean }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const again = retry ?? reset;
  // Server errors reach the browser without their message (on purpose); the digest matches the server log.
  const digest = showDigest && error instanceof Error && "digest" in error ? String((error as { digest?: unknown }).digest ?? "") : "";
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
        {digest ? <p className="font-mono text-xs text-faint">Error id {digest}</p> : null}
      </EmptyState>
    </Card>
  );
}
