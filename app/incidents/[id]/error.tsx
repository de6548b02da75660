"use client";

import { RouteError, type RouteErrorProps } from "@/components/layout/route-error";

export default function IncidentError(props: RouteErrorProps) {
  return (
    <RouteError
      {...props}
      title="This incident could not be loaded"
      detail="Reading the incident, its crash events or its blast radius failed. The server log has the details."
      back={{ href: "/incidents", label: "All incidents" }}
    />
  );
}
