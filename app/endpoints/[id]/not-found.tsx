import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ServerIcon } from "@/components/ui/icons";

export default function EndpointNotFound() {
  return (
    <Card>
      <EmptyState
        icon={<ServerIcon size={20} />}
        title="Endpoint not found"
        headingLevel={1}
        actions={
          <ButtonLink href="/endpoints" variant="primary">
            All endpoints
          </ButtonLink>
        }
      >
        <p>sweepwatch does not watch an endpoint with this id. Admins can add it by hand on the endpoints page.</p>
      </EmptyState>
    </Card>
  );
}
