import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { listIngestTokens } from "@/lib/auth/tokens-repository";
import { IngestTokensPanel } from "./ingest-tokens-panel";

export const metadata: Metadata = { title: "Ingest tokens" };

export default async function IngestTokensPage() {
  await requireUser("admin", { path: "/admin/ingest-tokens" });
  return <IngestTokensPanel tokens={await listIngestTokens()} />;
}
