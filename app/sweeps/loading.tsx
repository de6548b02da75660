import { Card } from "@/components/ui/card";
import { PageSkeleton, Skeleton } from "@/components/ui/skeleton";

export default function SweepsLoading() {
  return (
    <PageSkeleton label="Loading sweeps" title="h-6 w-32" description>
      <Card className="divide-y divide-line">
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className="flex items-center gap-6 px-4 py-4">
            <Skeleton className="h-4 w-48" />
            <Skeleton className="h-5 w-20" />
            <Skeleton className="h-2 w-56" />
            <Skeleton className="ml-auto h-4 w-16" />
          </div>
        ))}
      </Card>
    </PageSkeleton>
  );
}
