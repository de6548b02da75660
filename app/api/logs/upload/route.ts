import { apiRoute } from "@/lib/http/handler";
import { uploadLogRoute } from "@/lib/api/specs/logs";
import { handleLogUpload } from "@/lib/ingest/handle";
import { recordAudit } from "@/lib/data/audit";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(uploadLogRoute, async ({ req, query, ctx }) => {
  const r = await handleLogUpload(req, query);
  await recordAudit({ action: "logs.upload", targetType: "endpoint", targetId: query.endpointId, detail: { workerId: r.workerId, lines: r.lines, inserted: r.inserted } }, ctx);
  return r;
});
