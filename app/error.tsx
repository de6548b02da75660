"use client";

import { RouteError, type RouteErrorProps } from "@/components/layout/route-error";

export default function PageError(props: RouteErrorProps) {
  return (
    <RouteError
      {...props}
      title="This page could not be loaded"
      detail="Something went wrong while reading its data. If the database is down, the header says so; the server log has the details."
      back={{ href: "/", label: "Back to overview" }}
      showDigest
    />
  );
}
