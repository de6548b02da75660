import { PageSkeleton } from "@/components/ui/skeleton";

export default function Loading() {
  return <PageSkeleton label="Loading" title="h-6 w-40" description cards={[["h-4 w-1/3", "h-4 w-full", "h-4 w-5/6", "h-4 w-2/3"]]} />;
}
