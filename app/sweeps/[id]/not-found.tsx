import { SweepIcon } from "@/components/ui/icons";
import { NotFoundCard } from "@/components/ui/not-found-card";

export default function SweepNotFound() {
  return <NotFoundCard icon={<SweepIcon size={20} />} title="Sweep not found" detail="There is no sweep at this address. It may have been created in another sweepwatch database." back={{ href: "/sweeps", label: "All sweeps" }} />;
}
