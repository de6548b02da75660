"use client";

import { RouteError, type RouteErrorProps } from "@/components/layout/route-error";

export default function EndpointError(props: RouteErrorProps) {
  return (
    <RouteError
      {...props}
      title="This endpoint could not be loaded"
      detail="Reading the endpoint, its snapshots, workers, jobs or logs failed. The server log has the details."
      back={{ href: "/endpoints", label: "All endpoints" }}
    />
  );
}
