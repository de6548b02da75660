import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

export function CriteriaSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading criteria" className="space-y-6">
      <Skeleton className="h-12 w-full max-w-xl" />
      <Card className="grid grid-cols-3 gap-4 p-4">
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
        <Skeleton className="h-10" />
      </Card>
      {[0, 1].map((i) => (
        <div key={i} className="grid gap-3 lg:grid-cols-2">
          <Skeleton className="h-40" />
          <Skeleton className="h-40" />
        </div>
      ))}
    </div>
  );
}
