import { ServerIcon } from "@/components/ui/icons";
import { NotFoundCard } from "@/components/ui/not-found-card";

export default function EndpointNotFound() {
  return <NotFoundCard icon={<ServerIcon size={20} />} title="Endpoint not found" detail="sweepwatch does not watch an endpoint with this id. Admins can add it by hand on the endpoints page." back={{ href: "/endpoints", label: "All endpoints" }} />;
}
