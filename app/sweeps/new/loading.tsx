import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

export default function NewSweepLoading() {
  return (
    <div aria-busy="true" aria-label="Loading" className="space-y-6">
      <Skeleton className="h-6 w-40" />
      <Card className="p-4">
        <Skeleton className="h-8 w-full" />
      </Card>
      <Card className="p-4">
        <Skeleton className="h-96 w-full" />
      </Card>
    </div>
  );
}
