import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { listIngestTokens } from "@/lib/auth/repository";
import { createCtx } from "@/lib/ctx";
import { IngestTokensPanel } from "./ingest-tokens-panel";

export const metadata: Metadata = { title: "Ingest tokens" };

export default async function IngestTokensPage() {
  const principal = await requireUser("admin", { path: "/admin/ingest-tokens" });
  return <IngestTokensPanel tokens={await listIngestTokens({}, createCtx({ principal }))} />;
}
