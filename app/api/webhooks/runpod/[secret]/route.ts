import { apiRoute } from "@/lib/http/handler";
import { webhookRoute } from "@/lib/api/specs/ingest";
import { handleRunpodWebhook } from "@/lib/ingest/handle";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// The body is read only after the secret matched (handleRunpodWebhook), so the spec's body is not parsed here.
export const POST = apiRoute({ ...webhookRoute, body: undefined }, ({ req, params, ctx }) => handleRunpodWebhook({ req, secret: params.secret }, ctx));
