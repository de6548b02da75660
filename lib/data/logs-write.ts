import { createHash } from "node:crypto";
import { getPrisma } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export type StoredLogSource = "container" | "system" | "ingest" | "upload";

export interface LogLineInput {
  endpointId: string;
  workerId?: string | null;
  jobId?: string | null;
  source: StoredLogSource;
  stream?: string | null;
  ts: Date;
  text: string;
  /** SSE event id when the line came from RunPod's stream. */
  eventId?: string | null;
  /** Caller's own idempotency key (e.g. ingest batch id + index); default: computed, see logDedupeKey. */
  dedupeKey?: string;
}

const MAX_TEXT = 16 * 1024;

/**
 * Dedupe key of a log line: endpoint + worker + source + SSE event id when there is one,
 * else a hash of the content (timestamp + text), so a line read twice (overlapping
 * stream reads, a replayed cursor, a second poller) is stored once.
 */
export function logDedupeKey(l: Pick<LogLineInput, "endpointId" | "workerId" | "source" | "eventId" | "ts" | "text">): string {
  const h = createHash("sha256");
  h.update(`${l.endpointId}\u0000${l.workerId ?? ""}\u0000${l.source}\u0000`);
  if (l.eventId) h.update(`id\u0000${l.eventId}`);
  else h.update(`c\u0000${l.ts.toISOString()}\u0000${l.text}`);
  return h.digest("hex");
}

/**
 * Stores log lines once (INSERT ... ON CONFLICT (dedupeKey) DO NOTHING). Lines are kept after
 * their worker is gone; only retention removes them. Returns how many were new.
 */
export async function storeLogLines(lines: LogLineInput[], deps: { prisma?: PrismaClient; receivedAt?: Date } = {}): Promise<{ inserted: number }> {
  if (!lines.length) return { inserted: 0 };
  const prisma = deps.prisma ?? getPrisma();
  let inserted = 0;
  for (let i = 0; i < lines.length; i += 1000) {
    const chunk = lines.slice(i, i + 1000);
    const r = await prisma.logLine.createMany({
      data: chunk.map((l) => ({
        endpointId: l.endpointId,
        workerId: l.workerId ?? null,
        jobId: l.jobId ?? null,
        source: l.source,
        stream: l.stream ?? null,
        ts: l.ts,
        ...(deps.receivedAt ? { receivedAt: deps.receivedAt } : {}),
        eventId: l.eventId ? l.eventId.slice(0, 255) : null,
        text: l.text.length > MAX_TEXT ? l.text.slice(0, MAX_TEXT) : l.text,
        dedupeKey: (l.dedupeKey ?? logDedupeKey(l)).slice(0, 128),
      })),
      skipDuplicates: true,
    });
    inserted += r.count;
  }
  return { inserted };
}
