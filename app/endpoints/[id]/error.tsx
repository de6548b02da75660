"use client";

import { useEffect } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { AlertIcon } from "@/components/ui/icons";

export default function EndpointError({ error, retry, reset }: { error: unknown; retry?: () => void; reset?: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const again = retry ?? reset;
  return (
    <Card role="alert">
      <EmptyState
        icon={<AlertIcon size={20} />}
        title="This endpoint could not be loaded"
        headingLevel={1}
        actions={
          <>
            {again ? (
              <Button variant="primary" onClick={() => again()}>
                Try again
              </Button>
            ) : null}
            <ButtonLink href="/endpoints">All endpoints</ButtonLink>
          </>
        }
      >
        <p>Reading the endpoint, its snapshots, workers, jobs or logs failed. The server log has the details.</p>
      </EmptyState>
    </Card>
  );
}
