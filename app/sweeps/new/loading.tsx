import { PageSkeleton } from "@/components/ui/skeleton";

export default function NewSweepLoading() {
  return <PageSkeleton label="Loading" title="h-6 w-40" cards={[["h-8 w-full"], ["h-96 w-full"]]} />;
}
