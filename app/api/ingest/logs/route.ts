import { apiRoute } from "@/lib/http/handler";
import { ingestLogsRoute } from "@/lib/api/specs/ingest";
import { handleIngestRequest } from "@/lib/ingest/handle";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// The token is checked before the body is read (handleIngestRequest), so the spec's body is not parsed here.
export const POST = apiRoute({ ...ingestLogsRoute, body: undefined }, ({ req, ctx }) => handleIngestRequest({ req }, ctx));
