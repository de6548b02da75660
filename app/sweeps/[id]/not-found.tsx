import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { SweepIcon } from "@/components/ui/icons";

export default function SweepNotFound() {
  return (
    <Card>
      <EmptyState
        icon={<SweepIcon size={20} />}
        title="Sweep not found"
        headingLevel={1}
        actions={
          <ButtonLink href="/sweeps" variant="primary">
            All sweeps
          </ButtonLink>
        }
      >
        <p>There is no sweep at this address. It may have been created in another sweepwatch database.</p>
      </EmptyState>
    </Card>
  );
}
