"use client";

import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { AlertIcon } from "@/components/ui/icons";

export default function EndpointsError({ error, retry, reset }: { error: unknown; retry?: () => void; reset?: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const again = retry ?? reset;
  return (
    <Card role="alert">
      <EmptyState
        icon={<AlertIcon size={20} />}
        title="The endpoints could not be loaded"
        headingLevel={1}
        actions={
          again ? (
            <Button variant="primary" onClick={() => again()}>
              Try again
            </Button>
          ) : null
        }
      >
        <p>Reading the endpoints from the database failed. The server log has the details; `npx sweepwatch doctor` checks the database.</p>
      </EmptyState>
    </Card>
  );
}
