import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";

/**
 * Repository of pushed and uploaded logs (the request handling around it: handle.ts). Lines go in with one multi-row
 * INSERT ... SELECT FROM unnest(...) ON CONFLICT ("dedupeKey") DO NOTHING per batch (no
 * per-line round trips), and the batch's idempotency row is written in the same statement,
 * so a retried batch (same endpoint + batchId) stores nothing twice even after a crash
 * between the two.
 */

export interface IngestLine {
  ts: Date;
  stream: string;
  text: string;
}

export interface IngestBatchInput {
  endpointId: string;
  workerId: string;
  batchId: string;
  jobId?: string | null;
  tokenId?: string | null;
  lines: IngestLine[];
  exit?: { code: number | null; signal: string | null; at: Date } | null;
}

export interface IngestBatchResult {
  duplicate: boolean;
  inserted: number;
  exitRecorded: boolean;
}

/** Stores one pushed batch once. Unknown endpoint → AppError not_found. */
export async function ingestLogBatch(input: IngestBatchInput, ctx: Ctx<unknown>): Promise<IngestBatchResult> {
  const prisma = ctx.db;
  const now = ctx.now();
  const ts = input.lines.map((l) => l.ts.toISOString());
  const streams = input.lines.map((l) => l.stream);
  const texts = input.lines.map((l) => l.text);
  const rows = await prisma.$queryRaw<{ batch: number; inserted: number }[]>`
    WITH b AS (
      INSERT INTO ingest_batches ("endpointId", "batchId", "tokenId", "lineCount", "receivedAt")
      SELECT ${input.endpointId}, ${input.batchId}, ${input.tokenId ?? null}, ${input.lines.length}::int, ${now}
      WHERE EXISTS (SELECT 1 FROM endpoints WHERE id = ${input.endpointId})
      ON CONFLICT ("endpointId", "batchId") DO NOTHING
      RETURNING id
    ), ins AS (
      INSERT INTO log_lines ("endpointId", "workerId", "jobId", source, stream, ts, "receivedAt", text, "dedupeKey")
      SELECT ${input.endpointId}, ${input.workerId}, ${input.jobId ?? null}, 'ingest'::log_source, u.s, u.t, ${now}, u.x,
             'ing:' || md5(${input.endpointId} || chr(1) || ${input.batchId} || chr(1) || u.o::text)
      FROM unnest(${ts}::timestamptz[], ${streams}::text[], ${texts}::text[]) WITH ORDINALITY AS u(t, s, x, o)
      WHERE EXISTS (SELECT 1 FROM b)
      ON CONFLICT ("dedupeKey") DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM b)::int AS batch, (SELECT count(*) FROM ins)::int AS inserted`;
  const r = rows[0];
  if (!r.batch) {
    const known = await prisma.endpoint.count({ where: { id: input.endpointId } });
    if (!known) throw new AppError("not_found", `Endpoint "${input.endpointId}" is not known to sweepwatch.`);
    return { duplicate: true, inserted: 0, exitRecorded: false };
  }
  let exitRecorded = false;
  if (input.exit) {
    await recordWorkerExit(prisma, { endpointId: input.endpointId, workerId: input.workerId, ...input.exit, batchId: input.batchId }, now);
    exitRecorded = true;
  }
  return { duplicate: false, inserted: Number(r.inserted), exitRecorded };
}

/**
 * The handler's exit, as the worker wrapper reported it: a WorkerEvent of kind "exit" and the
 * worker's lastExitCode/lastExitAt. A worker the poller has not listed yet gets a row with
 * status UNKNOWN (the poller's next worker list fills it in). Detection turns exits into crash events.
 */
async function recordWorkerExit(
  prisma: PrismaClient,
  input: { endpointId: string; workerId: string; code: number | null; signal: string | null; at: Date; batchId?: string },
  now: Date,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.worker.createMany({
      data: [{ endpointId: input.endpointId, id: input.workerId, status: "UNKNOWN", firstSeenAt: now, lastSeenAt: now }],
      skipDuplicates: true,
    });
    await tx.worker.update({
      where: { endpointId_id: { endpointId: input.endpointId, id: input.workerId } },
      data: { lastExitCode: input.code, lastExitAt: input.at },
    });
    await tx.workerEvent.create({
      data: {
        endpointId: input.endpointId,
        workerId: input.workerId,
        kind: "exit",
        exitCode: input.code,
        signal: input.signal,
        at: input.at,
        detail: { reportedBy: "wrapper", ...(input.batchId ? { batchId: input.batchId } : {}) },
      },
    });
  });
}

/**
 * The wrapper's start-up facts of a worker (stdin type, CPU vendor/flags, libstdc++, framework versions):
 * a WorkerEvent "startup". Incidents show the facts of their workers (lib/incidents/detection/incidents.ts).
 */
export async function recordWorkerStartup(input: { endpointId: string; workerId: string; facts: Record<string, unknown>; at: Date }, ctx: Ctx<unknown>): Promise<void> {
  // first and last seen: when the wrapper reported, not when the row was written
  const now = input.at;
  await ctx.db.$transaction(async (tx) => {
    await tx.worker.createMany({ data: [{ endpointId: input.endpointId, id: input.workerId, status: "UNKNOWN", firstSeenAt: now, lastSeenAt: now }], skipDuplicates: true });
    await tx.workerEvent.create({ data: { endpointId: input.endpointId, workerId: input.workerId, kind: "startup", at: input.at, detail: { reportedBy: "wrapper", ...input.facts } as object } });
  });
}

// ───────────── uploads ─────────────
// Parsing (times from common prefixes, undated lines): lib/ingest/upload-times.ts.

/**
 * Stores an uploaded log file as source "upload" lines (stream NULL, or "undated" for a line whose time is not known). Dedupe keys derive from the file's
 * content hash and the line number, so uploading the same file twice stores it once.
 */
export async function storeUploadedLog(
  input: { endpointId: string; workerId?: string | null; jobId?: string | null; lines: IngestLine[]; fileHash: string },
  ctx: Ctx<unknown>,
): Promise<{ inserted: number }> {
  const prisma = ctx.db;
  const now = ctx.now();
  const known = await prisma.endpoint.count({ where: { id: input.endpointId } });
  if (!known) throw new AppError("not_found", `Endpoint "${input.endpointId}" is not known to sweepwatch.`);
  const keyBase = createHash("sha256").update(`${input.endpointId}\u0000${input.workerId ?? ""}\u0000${input.jobId ?? ""}\u0000${input.fileHash}`).digest("hex").slice(0, 40);
  let inserted = 0;
  for (let i = 0; i < input.lines.length; i += 5000) {
    const chunk = input.lines.slice(i, i + 5000);
    const rows = await prisma.$queryRaw<{ n: number }[]>`
      WITH ins AS (
        INSERT INTO log_lines ("endpointId", "workerId", "jobId", source, stream, ts, "receivedAt", text, "dedupeKey")
        SELECT ${input.endpointId}, ${input.workerId ?? null}, ${input.jobId ?? null}, 'upload'::log_source, NULLIF(u.s, 'upload'), u.t, ${now}, u.x,
               'upl:' || ${keyBase} || ':' || (u.o + ${i}::int)::text
        FROM unnest(${chunk.map((l) => l.ts.toISOString())}::timestamptz[], ${chunk.map((l) => l.text)}::text[], ${chunk.map((l) => l.stream)}::text[]) WITH ORDINALITY AS u(t, x, s, o)
        ON CONFLICT ("dedupeKey") DO NOTHING
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM ins`;
    inserted += Number(rows[0]?.n ?? 0);
  }
  return { inserted };
}
