import { InfoIcon } from "@/components/ui/icons";
import { NotFoundCard } from "@/components/ui/not-found-card";

export default function NotFound() {
  return <NotFoundCard icon={<InfoIcon size={20} />} title="Page not found" detail="There is nothing at this address. It may have been an endpoint, sweep or incident that no longer exists." back={{ href: "/", label: "Back to overview" }} />;
}
