import { apiRoute } from "@/lib/http/handler";
import { listJobsRoute, submitJobRoute } from "@/lib/api/specs/jobs";
import { getJob, listJobs } from "@/lib/jobs/repository";
import { submitJobFor } from "@/lib/jobs/service";
import { ensureWebhookSecret, webhookPath } from "@/lib/endpoints/webhooks";
import { loadEnv } from "@/lib/env";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(listJobsRoute, ({ query, ctx }) =>
  listJobs({ endpointId: query.endpointId, status: query.status, flagged: query.flagged === undefined ? undefined : query.flagged === "true", cursor: query.cursor, limit: query.limit }, ctx),
);

/** RunPod cannot call back to a loopback address; the local simulator (demo mode) can. */
function webhookOrigin(origin: string): string | null {
  const host = new URL(origin).hostname;
  const loopback = host === "localhost" || host === "127.0.0.1" || host === "[::1]";
  return loopback && loadEnv().mode !== "demo" ? null : origin;
}

export const POST = apiRoute(submitJobRoute, async ({ req, body, ctx }) => {
  const origin = webhookOrigin(req.nextUrl.origin);
  const secret = origin ? await ensureWebhookSecret({ endpointId: body.endpointId }, ctx) : null;
  const row = await submitJobFor({ endpointId: body.endpointId, input: body.input, webhookUrl: secret ? origin + webhookPath(secret) : null }, ctx);
  return { job: (await getJob({ id: row.id }, ctx))! };
});
