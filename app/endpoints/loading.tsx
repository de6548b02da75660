import { PageSkeleton } from "@/components/ui/skeleton";

export default function EndpointsLoading() {
  return <PageSkeleton label="Loading endpoints" title="h-6 w-40" description cards={[{ className: "space-y-2", bars: ["h-8 w-full", "h-8 w-full", "h-8 w-full"] }]} />;
}
