"use client";

import { RouteError, type RouteErrorProps } from "@/components/layout/route-error";

export default function SweepError(props: RouteErrorProps) {
  return (
    <RouteError
      {...props}
      title="This sweep could not be loaded"
      detail="Reading the sweep, its trials or its analysis failed. The server log has the details."
      back={{ href: "/sweeps", label: "All sweeps" }}
    />
  );
}
