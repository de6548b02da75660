"use client";

import { RouteError, type RouteErrorProps } from "@/components/layout/route-error";

export default function EndpointsError(props: RouteErrorProps) {
  return (
    <RouteError
      {...props}
      title="The endpoints could not be loaded"
      detail="Reading the endpoints from the database failed. The server log has the details; `npx sweepwatch doctor` checks the database."
    />
  );
}
