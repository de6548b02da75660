import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

export default function IncidentLoading() {
  return (
    <div aria-busy="true" aria-label="Loading the incident" className="space-y-6">
      <Skeleton className="h-6 w-80" />
      <Card className="grid gap-4 p-4 sm:grid-cols-3">
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
      </Card>
      <Card className="p-4">
        <Skeleton className="h-40 w-full" />
      </Card>
      <Card className="p-4">
        <Skeleton className="h-64 w-full" />
      </Card>
    </div>
  );
}
