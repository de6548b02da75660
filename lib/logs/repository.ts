import type { Prisma } from "@/lib/generated/prisma/client";
import type { Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import { LOG_DOWNLOAD_MAX_LINES, type LogLineDto, type LogPageDto } from "@/lib/api/specs/logs";

// Repository of stored log lines: search pages, the live tail and the text download (writes: store.ts).

export interface LogFilterInput {
  endpointId?: string;
  workerId?: string;
  jobId?: string;
  source?: LogLineDto["source"];
  from?: Date;
  to?: Date;
  q?: string;
}

const lineSelect = { id: true, endpointId: true, workerId: true, jobId: true, source: true, stream: true, ts: true, text: true } as const;
type LineRow = Prisma.LogLineGetPayload<{ select: typeof lineSelect }>;

export function toLogLineDto(l: LineRow): LogLineDto {
  return {
    id: l.id.toString(),
    endpointId: l.endpointId,
    workerId: l.workerId,
    jobId: l.jobId,
    source: l.source,
    stream: l.stream,
    ts: l.ts.toISOString(),
    text: l.text,
  };
}

function whereOf(f: LogFilterInput): Prisma.LogLineWhereInput {
  const where: Prisma.LogLineWhereInput = {};
  if (f.endpointId) where.endpointId = f.endpointId;
  if (f.workerId) where.workerId = f.workerId;
  if (f.jobId) where.jobId = f.jobId;
  if (f.source) where.source = f.source;
  if (f.from || f.to) where.ts = { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lte: f.to } : {}) };
  // Prisma escapes nothing in `contains`: % and _ in the search text must match literally.
  if (f.q && f.q.trim()) where.text = { contains: f.q.replace(/[\\%_]/g, (c) => `\\${c}`), mode: "insensitive" };
  return where;
}

export function encodeLogCursor(l: { ts: Date | string; id: bigint | string }): string {
  const ts = typeof l.ts === "string" ? l.ts : l.ts.toISOString();
  return Buffer.from(JSON.stringify([ts, l.id.toString()]), "utf8").toString("base64url");
}

export function decodeLogCursor(cursor: string): { ts: Date; id: bigint } {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "string" && /^\d{1,19}$/.test(v[1])) {
      const ts = new Date(v[0]);
      if (!Number.isNaN(ts.getTime())) return { ts, id: BigInt(v[1]) };
    }
  } catch {
    // fall through
  }
  throw new AppError("validation_failed", "Invalid cursor.", { issues: [{ path: "query.cursor", message: "is not a cursor from a previous answer" }] });
}

/**
 * Log lines matching the filter. Without `afterId`: newest first by (ts, id) with a cursor
 * for older pages, and `maxId` = the newest stored id before the query, from which a live
 * tail continues. With `afterId`: lines stored after that id, in storage order (so a line
 * that arrives late with an old timestamp is not missed), for the client to merge.
 */
export async function searchLogs(input: LogFilterInput & { cursor?: string; afterId?: string; limit?: number }, ctx: Ctx<unknown>): Promise<LogPageDto> {
  const prisma = ctx.db;
  const limit = Math.min(Math.max(input.limit ?? 200, 1), 1000);
  const where = whereOf(input);
  if (input.afterId !== undefined) {
    const after = BigInt(input.afterId);
    const rows = await prisma.logLine.findMany({ where: { ...where, id: { gt: after } }, orderBy: { id: "asc" }, take: limit, select: lineSelect });
    const last = rows.at(-1);
    return {
      lines: rows.map(toLogLineDto),
      // More may be waiting: the client asks again from the last id.
      nextCursor: null,
      maxId: last ? last.id.toString() : input.afterId,
    };
  }
  const top = await prisma.logLine.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  if (input.cursor) {
    const c = decodeLogCursor(input.cursor);
    where.AND = [{ OR: [{ ts: { lt: c.ts } }, { ts: c.ts, id: { lt: c.id } }] }];
  }
  const rows = await prisma.logLine.findMany({ where, orderBy: [{ ts: "desc" }, { id: "desc" }], take: limit + 1, select: lineSelect });
  const page = rows.slice(0, limit);
  return {
    lines: page.map(toLogLineDto),
    nextCursor: rows.length > limit ? encodeLogCursor(page[page.length - 1]) : null,
    maxId: top ? top.id.toString() : "0",
  };
}

export function formatLogLine(l: Pick<LogLineDto, "ts" | "source" | "stream" | "workerId" | "jobId" | "text">): string {
  const where = `${l.source}${l.stream ? `/${l.stream}` : ""}`;
  return `${l.ts} ${where} ${l.workerId ?? "-"}${l.jobId ? ` job=${l.jobId}` : ""} ${l.text.replace(/\r?\n/g, "\\n")}\n`;
}

/**
 * Matching lines oldest first as text, in pages of `pageSize`, at most `maxLines`; a final
 * line says when the cap cut the output. Pull-based: the next page is read only when the
 * consumer wants more, so a slow download never buffers the whole table.
 */
export function streamLogText(input: { filter: LogFilterInput; maxLines?: number; pageSize?: number }, ctx: Ctx<unknown>): ReadableStream<Uint8Array> {
  const { filter } = input;
  const maxLines = input.maxLines ?? LOG_DOWNLOAD_MAX_LINES;
  const pageSize = input.pageSize ?? 5000;
  const enc = new TextEncoder();
  let after: { ts: Date; id: bigint } | null = null;
  let sent = 0;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return;
      try {
        const where = whereOf(filter);
        if (after) where.AND = [{ OR: [{ ts: { gt: after.ts } }, { ts: after.ts, id: { gt: after.id } }] }];
        const take = Math.min(pageSize, maxLines - sent + 1);
        const rows = await ctx.db.logLine.findMany({ where, orderBy: [{ ts: "asc" }, { id: "asc" }], take, select: lineSelect });
        const room = maxLines - sent;
        const chunk = rows.slice(0, room);
        if (chunk.length) controller.enqueue(enc.encode(chunk.map((r) => formatLogLine(toLogLineDto(r))).join("")));
        sent += chunk.length;
        if (rows.length > room) {
          controller.enqueue(enc.encode(`# sweepwatch: download capped at ${maxLines} lines; narrow the filters (time range, worker, job) for the rest.\n`));
          done = true;
        } else if (rows.length < take) {
          done = true;
        } else {
          const last = rows[rows.length - 1];
          after = { ts: last.ts, id: last.id };
        }
        if (done) controller.close();
      } catch (err) {
        done = true;
        controller.error(err);
      }
    },
  });
}
