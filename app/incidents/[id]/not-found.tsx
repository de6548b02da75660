import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { AlertIcon } from "@/components/ui/icons";

export default function IncidentNotFound() {
  return (
    <Card>
      <EmptyState
        icon={<AlertIcon size={20} />}
        title="Incident not found"
        headingLevel={1}
        actions={
          <ButtonLink href="/incidents" variant="primary">
            All incidents
          </ButtonLink>
        }
      >
        <p>There is no incident with this number. Retention may have removed it.</p>
      </EmptyState>
    </Card>
  );
}
