import { PageSkeleton, SKELETON_STATS } from "@/components/ui/skeleton";

export default function EndpointLoading() {
  return (
    <PageSkeleton label="Loading the endpoint" title="h-6 w-64" description cards={[SKELETON_STATS, { className: "grid gap-6 lg:grid-cols-2", bars: ["h-56", "h-56"] }, ["h-40 w-full"]]} />
  );
}
