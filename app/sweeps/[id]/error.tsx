"use client";

import { useEffect } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { AlertIcon } from "@/components/ui/icons";

export default function SweepError({ error, retry, reset }: { error: unknown; retry?: () => void; reset?: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const again = retry ?? reset;
  return (
    <Card role="alert">
      <EmptyState
        icon={<AlertIcon size={20} />}
        title="This sweep could not be loaded"
        headingLevel={1}
        actions={
          <>
            {again ? (
              <Button variant="primary" onClick={() => again()}>
                Try again
              </Button>
            ) : null}
            <ButtonLink href="/sweeps">All sweeps</ButtonLink>
          </>
        }
      >
        <p>Reading the sweep, its trials or its analysis failed. The server log has the details.</p>
      </EmptyState>
    </Card>
  );
}
