import { PageSkeleton, Skeleton } from "@/components/ui/skeleton";

export function CriteriaSkeleton() {
  return (
    <PageSkeleton label="Loading criteria" title="h-12 w-full max-w-xl" cards={[{ className: "grid grid-cols-3 gap-4", bars: ["h-10", "h-10", "h-10"] }]}>
      {[0, 1].map((i) => (
        <div key={i} className="grid gap-3 lg:grid-cols-2">
          <Skeleton className="h-40" />
          <Skeleton className="h-40" />
        </div>
      ))}
    </PageSkeleton>
  );
}
