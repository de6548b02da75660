import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { InfoIcon } from "@/components/ui/icons";

export default function NotFound() {
  return (
    <Card>
      <EmptyState
        icon={<InfoIcon size={20} />}
        title="Page not found"
        headingLevel={1}
        actions={
          <ButtonLink href="/" variant="primary">
            Back to overview
          </ButtonLink>
        }
      >
        <p>There is nothing at this address. It may have been an endpoint, sweep or incident that no longer exists.</p>
      </EmptyState>
    </Card>
  );
}
