"use client";

import { useEffect } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { AlertIcon } from "@/components/ui/icons";

export default function PageError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  // Server errors reach the browser without their message (on purpose); the digest matches the server log.
  const digest = error instanceof Error && "digest" in error ? String((error as { digest?: unknown }).digest ?? "") : "";
  return (
    <Card role="alert">
      <EmptyState
        icon={<AlertIcon size={20} />}
        title="This page could not be loaded"
        headingLevel={1}
        actions={
          <>
            <Button variant="primary" onClick={() => retry()}>
              Try again
            </Button>
            <ButtonLink href="/">Back to overview</ButtonLink>
          </>
        }
      >
        <p>Something went wrong while reading its data. If the database is down, the header says so; the server log has the details.</p>
        {digest ? <p className="font-mono text-xs text-faint">Error id {digest}</p> : null}
      </EmptyState>
    </Card>
  );
}
