import { createHash } from "node:crypto";
import type { Ctx } from "@/lib/ctx";

// Repository write of log lines read from RunPod (container and system logs), stored once by content.

export type StoredLogSource = "container" | "system" | "ingest" | "upload";

export interface LogLineInput {
  endpointId: string;
  workerId?: string | null;
  jobId?: string | null;
  source: StoredLogSource;
  stream?: string | null;
  ts: Date;
  /** The line's timestamp at RunPod's full precision (ns for container lines), one spelling per instant; `ts` keeps ms. */
  exactTs?: string | null;
  text: string;
  /** SSE event id when the line came from RunPod's stream (a timestamp, not unique: never part of the key). */
  eventId?: string | null;
  /** Caller's own idempotency key (e.g. ingest batch id + index); default: computed, see logDedupeKey. */
  dedupeKey?: string;
}

const MAX_TEXT = 16 * 1024;

type KeyFields = Pick<LogLineInput, "endpointId" | "workerId" | "source" | "exactTs" | "eventId" | "ts" | "text">;

/**
 * Dedupe key of a log line: its content. Endpoint + worker + source + timestamp + text + ordinal among
 * identical lines of that timestamp, so a line read twice (overlapping reads, a resume from a little
 * earlier, a second poller) is stored once, while three system lines in one second (RunPod stamps them
 * with the whole second and gives them one event id) stay three rows. The ordinal counts within one
 * batch, which holds every line of a timestamp as long as reads resume before it (see the poller).
 */
function logDedupeKey(l: KeyFields, ordinal: number): string {
  const h = createHash("sha256");
  h.update(`${l.endpointId}\u0000${l.workerId ?? ""}\u0000${l.source}\u0000`);
  const when = l.exactTs ?? (l.eventId ? `id:${l.eventId}` : l.ts.toISOString());
  h.update(`c2\u0000${when}\u0000${ordinal}\u0000${l.text}`);
  return h.digest("hex");
}

/** Keys for a batch in order: the nth identical line of a timestamp gets ordinal n. */
function contentKeys(lines: LogLineInput[]): string[] {
  const seen = new Map<string, number>();
  return lines.map((l) => {
    if (l.dedupeKey) return l.dedupeKey;
    const group = logDedupeKey(l, -1);
    const n = seen.get(group) ?? 0;
    seen.set(group, n + 1);
    return logDedupeKey(l, n);
  });
}

/**
 * Stores log lines once (INSERT ... ON CONFLICT (dedupeKey) DO NOTHING). Lines are kept after
 * their worker is gone; only retention removes them. Returns how many were new.
 */
export async function storeLogLines(input: { lines: LogLineInput[]; receivedAt?: Date }, ctx: Ctx<unknown>): Promise<{ inserted: number }> {
  const { lines, receivedAt } = input;
  if (!lines.length) return { inserted: 0 };
  const prisma = ctx.db;
  const keys = contentKeys(lines);
  let inserted = 0;
  for (let i = 0; i < lines.length; i += 1000) {
    const chunk = lines.slice(i, i + 1000);
    const r = await prisma.logLine.createMany({
      data: chunk.map((l, j) => ({
        endpointId: l.endpointId,
        workerId: l.workerId ?? null,
        jobId: l.jobId ?? null,
        source: l.source,
        stream: l.stream ?? null,
        ts: l.ts,
        ...(receivedAt ? { receivedAt } : {}),
        eventId: l.eventId ? l.eventId.slice(0, 255) : null,
        text: l.text.length > MAX_TEXT ? l.text.slice(0, MAX_TEXT) : l.text,
        dedupeKey: keys[i + j].slice(0, 128),
      })),
      skipDuplicates: true,
    });
    inserted += r.count;
  }
  return { inserted };
}
