import "server-only";
import { createHash } from "node:crypto";
import type { z } from "zod";
import { AppError, type ErrorIssue } from "@/lib/http/errors";
import { readBodyLimited, readJsonBody, rejectUnstorable } from "@/lib/http/handler";
import { loadEnv } from "@/lib/env";
import { findIngestToken } from "@/lib/auth/service";
import { ingestLogBatch, recordWorkerStartup, storeUploadedLog } from "@/lib/ingest/repository";
import { parseUploadedLog } from "./upload-times";
import { findEndpointByWebhookSecret } from "@/lib/endpoints/webhooks";
import { applyWebhookUpdate } from "@/lib/jobs/service";
import { actorOf, type Ctx, ctxWith } from "@/lib/ctx";
import { recordAudit } from "@/lib/data/audit";
import { INGEST_LIMITS, IngestBatchBodySchema, TRUNCATION_MARKER, type IngestResultDto } from "@/lib/api/specs/ingest";
import { LOG_UPLOAD_MAX_BYTES, type UploadLogResultDto } from "@/lib/api/specs/logs";
import { webhookRoute } from "@/lib/api/specs/ingest";
import { IngestRateLimiter } from "./rate-limit";
import { normalizeLineText, parseTs } from "./normalize";

// Service of ingest: the request rules of pushed logs, RunPod webhooks and log uploads (writes: repository.ts).


/** Parses with a route schema and throws the same 422 shape as apiRoute. */
export function parseOr422<S extends z.ZodType>(schema: S, raw: unknown, prefix: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues: ErrorIssue[] = parsed.error.issues.slice(0, 20).map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join("."),
    message: i.message,
  }));
  throw new AppError("validation_failed", prefix === "body" ? "Invalid request body." : "Invalid input.", { issues });
}

function bearer(req: Request): string {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.get("authorization") ?? "");
  if (!m) throw new AppError("unauthorized", "Send the endpoint's ingest token as `Authorization: Bearer swi_…`.", { headers: { "www-authenticate": "Bearer" } });
  return m[1];
}

let shared: IngestRateLimiter | undefined;
function limiter(): IngestRateLimiter {
  const env = loadEnv();
  const want = { linesPerSecond: env.INGEST_RATE_LINES_PER_SEC, burst: env.INGEST_RATE_BURST };
  if (!shared || shared.limits.linesPerSecond !== want.linesPerSecond || shared.limits.burst !== want.burst) shared = new IngestRateLimiter(want);
  return shared;
}

/**
 * POST /api/ingest/logs: token (401) → body size (413) → shape (422) → token belongs to the
 * endpoint (403) → rate (429) → one idempotent insert. The token is checked before the body is
 * read, so an unauthenticated sender learns nothing about the payload rules.
 */
export async function handleIngestRequest({ req }: { req: Request }, ctx: Ctx<unknown>): Promise<IngestResultDto> {
  const now = ctx.now();
  const token = await findIngestToken({ token: bearer(req) }, ctxWith(ctx, { at: now }));
  if (!token) throw new AppError("unauthorized", "Ingest token is invalid or revoked.", { headers: { "www-authenticate": "Bearer" } });
  const body = parseOr422(IngestBatchBodySchema, await readJsonBody(req, INGEST_LIMITS.maxBodyBytes), "body");
  // Line text is normalised below (NUL and broken surrogates replaced); ids must be storable as they are.
  rejectUnstorable({ endpointId: body.endpointId, workerId: body.workerId, batchId: body.batchId, jobId: body.jobId }, "body");
  if (body.endpointId !== token.endpointId) throw new AppError("forbidden", "This ingest token belongs to another endpoint.");
  const wait = await limiter().take(token.id, body.lines.length);
  if (wait > 0) throw new AppError("rate_limited", `Ingest rate limit of this token reached; retry in ${wait} s.`, { headers: { "Retry-After": String(wait) } });
  let truncatedLines = 0;
  const lines = body.lines.map((l) => {
    const n = normalizeLineText(l.text);
    if (n.truncated) truncatedLines++;
    return { ts: parseTs(l.ts), stream: l.stream, text: n.text };
  });
  const exit = body.exit
    ? { code: body.exit.code ?? null, signal: body.exit.signal ?? null, at: body.exit.at !== undefined ? parseTs(body.exit.at) : now }
    : null;
  const r = await ingestLogBatch(
    { endpointId: body.endpointId, workerId: body.workerId, batchId: body.batchId, jobId: body.jobId ?? null, tokenId: token.id, lines, exit },
    ctxWith(ctx, { at: now }),
  );
  if (body.startup && !r.duplicate) await recordWorkerStartup({ endpointId: body.endpointId, workerId: body.workerId, facts: body.startup, at: now }, ctx);
  return { accepted: !r.duplicate, duplicate: r.duplicate, lines: lines.length, inserted: r.inserted, truncatedLines, exitRecorded: r.exitRecorded };
}

/**
 * POST /api/webhooks/runpod/{secret}: the secret is checked before the body is read; an
 * unknown secret and a job of another endpoint both answer the same 404.
 */
export async function handleRunpodWebhook({ req, secret }: { req: Request; secret: string }, ctx: Ctx<unknown>) {
  const now = ctx.now();
  const notFound = () => new AppError("not_found", "Not found.");
  const endpoint = await findEndpointByWebhookSecret({ secret }, ctx);
  if (!endpoint) throw notFound();
  const raw = await readJsonBody(req, webhookRoute.maxBodyBytes ?? 2 * 1024 * 1024);
  const doc = parseOr422(webhookRoute.body!, raw, "body");
  const existing = await ctx.db.job.findUnique({ where: { id: doc.id }, select: { endpointId: true } });
  if (existing && existing.endpointId !== endpoint.id) throw notFound();
  const r = await applyWebhookUpdate({ jobId: doc.id, statusDoc: raw, endpointId: endpoint.id }, ctxWith(ctx, { at: now }));
  return { ok: true as const, jobId: r.job.id, status: r.job.status, changed: r.changed };
}

/** The uploaded text: multipart field "file" (or the first file), else the raw body. */
async function readUploadText(req: Request): Promise<string> {
  // Multipart framing adds a little; the file itself is checked again below.
  const bytes = await readBodyLimited(req, LOG_UPLOAD_MAX_BYTES + 64 * 1024, "Upload");
  const type = req.headers.get("content-type") ?? "";
  if (/^multipart\/form-data/i.test(type)) {
    let form: FormData;
    try {
      form = await new Response(Buffer.from(bytes), { headers: { "content-type": type } }).formData();
    } catch {
      throw new AppError("bad_request", "Could not read the multipart body.");
    }
    const file = form.get("file") ?? [...form.values()].find((v) => typeof v !== "string") ?? null;
    if (file === null) throw new AppError("validation_failed", 'Attach the log as the multipart field "file".', { issues: [{ path: "body.file", message: "missing" }] });
    const text = typeof file === "string" ? file : await file.text();
    if (Buffer.byteLength(text, "utf8") > LOG_UPLOAD_MAX_BYTES) throw new AppError("payload_too_large", `Upload exceeds ${LOG_UPLOAD_MAX_BYTES} bytes.`);
    return text;
  }
  if (bytes.byteLength > LOG_UPLOAD_MAX_BYTES) throw new AppError("payload_too_large", `Upload exceeds ${LOG_UPLOAD_MAX_BYTES} bytes.`);
  return bytes.toString("utf8");
}

/** POST /api/logs/upload, audited as logs.upload. */
export async function handleLogUpload(
  { req, ...target }: { req: Request; endpointId: string; workerId?: string; jobId?: string; at?: string },
  ctx: Ctx<unknown>,
): Promise<UploadLogResultDto> {
  actorOf(ctx); // refuse a context without a principal before reading the upload
  const now = ctx.now();
  const text = await readUploadText(req);
  if (!text.trim()) throw new AppError("validation_failed", "The uploaded log is empty.", { issues: [{ path: "body", message: "empty" }] });
  const givenAt = target.at ? new Date(target.at) : null;
  const { lines, truncated, undated } = parseUploadedLog(text, { uploadedAt: now, givenAt, maxLineChars: INGEST_LIMITS.maxLineChars, marker: TRUNCATION_MARKER });
  const fileHash = createHash("sha256").update(text).digest("hex");
  const r = await storeUploadedLog({ endpointId: target.endpointId, workerId: target.workerId ?? null, jobId: target.jobId ?? null, lines, fileHash }, ctxWith(ctx, { at: now }));
  const workerId = target.workerId ?? null;
  await recordAudit({ action: "logs.upload", targetType: "endpoint", targetId: target.endpointId, detail: { workerId, lines: lines.length, inserted: r.inserted } }, ctx);
  return { endpointId: target.endpointId, workerId, lines: lines.length, inserted: r.inserted, truncatedLines: truncated, undatedLines: undated };
}
