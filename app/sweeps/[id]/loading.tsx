import { PageSkeleton, SKELETON_STATS } from "@/components/ui/skeleton";

export default function SweepLoading() {
  return <PageSkeleton label="Loading the sweep" title="h-6 w-64" kicker description cards={[SKELETON_STATS, ["h-32 w-full"], ["h-64 w-full"]]} />;
}
