import { PageSkeleton, SKELETON_STATS } from "@/components/ui/skeleton";

export default function IncidentLoading() {
  return <PageSkeleton label="Loading the incident" title="h-6 w-80" cards={[SKELETON_STATS, ["h-40 w-full"], ["h-64 w-full"]]} />;
}
