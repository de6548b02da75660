import type { Prisma } from "@/lib/generated/prisma/client";
import type { Ctx } from "@/lib/ctx";
import type { CrashEventDto, CrashPageDto, EvidenceLineDto } from "@/lib/api/specs/crashes";

/** Repository of crash events: their query and DTO mapping (the incident detail shows them too). */

export const crashEventSelect = {
  id: true,
  endpointId: true,
  workerId: true,
  image: true,
  deployment: true,
  at: true,
  signature: true,
  title: true,
  fingerprint: true,
  exitCode: true,
  source: true,
  evidence: true,
} as const;

type CrashRow = Prisma.CrashEventGetPayload<{ select: typeof crashEventSelect }>;

function toEvidence(v: unknown): EvidenceLineDto[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null && typeof (e as { text?: unknown }).text === "string")
    .map((e) => ({
      logLineId: typeof e.logLineId === "string" ? e.logLineId : null,
      ts: typeof e.ts === "string" ? e.ts : null,
      text: e.text as string,
      match: e.match === true,
    }));
}

export function toCrashEventDto(c: CrashRow): CrashEventDto {
  return {
    id: c.id.toString(),
    endpointId: c.endpointId,
    workerId: c.workerId,
    image: c.image,
    deployment: c.deployment,
    at: c.at.toISOString(),
    signature: c.signature,
    title: c.title,
    fingerprint: c.fingerprint,
    exitCode: c.exitCode,
    source: c.source,
    evidence: toEvidence(c.evidence),
  };
}

export interface ListCrashesInput {
  endpointId: string;
  from?: Date;
  to?: Date;
  workerId?: string;
  signature?: string;
  limit?: number;
}

/** Crash events of one endpoint in a time range, newest first, bounded by `limit` (default 100, max 500). */
export async function listCrashes(input: ListCrashesInput, ctx: Ctx): Promise<CrashPageDto> {
  const prisma = ctx.db;
  const limit = Math.min(Math.max(input.limit ?? 100, 1), 500);
  const rows = await prisma.crashEvent.findMany({
    where: {
      endpointId: input.endpointId,
      ...(input.from || input.to ? { at: { ...(input.from ? { gte: input.from } : {}), ...(input.to ? { lte: input.to } : {}) } } : {}),
      ...(input.workerId ? { workerId: input.workerId } : {}),
      ...(input.signature ? { signature: input.signature } : {}),
    },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: crashEventSelect,
  });
  return { crashes: rows.slice(0, limit).map(toCrashEventDto), truncated: rows.length > limit };
}
