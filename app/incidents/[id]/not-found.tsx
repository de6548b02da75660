import { AlertIcon } from "@/components/ui/icons";
import { NotFoundCard } from "@/components/ui/not-found-card";

export default function IncidentNotFound() {
  return <NotFoundCard icon={<AlertIcon size={20} />} title="Incident not found" detail="There is no incident with this number. Retention may have removed it." back={{ href: "/incidents", label: "All incidents" }} />;
}
