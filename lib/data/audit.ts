// Repository (shared infrastructure): the audit log.
import type { Prisma } from "@/lib/db";
import { actorOf, type Ctx } from "@/lib/ctx";
import type { AuditEntryDto } from "@/lib/api/specs/auth";
import { redact } from "@/lib/log";

export interface AuditInput {
  /** verb-ish dotted name: sweep.create, incident.acknowledge, token.revoke, runpod_key.add */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** Small JSON detail. Never put secrets here; known secrets are redacted anyway. */
  detail?: Record<string, unknown> | null;
  ip?: string | null;
}

type Tx = Pick<Prisma.TransactionClient, "auditLog">;

const ACTOR_KIND = { user: "user", token: "token", anonymous: "system", system: "system", cli: "cli" } as const;

function sanitiseDetail(detail: Record<string, unknown> | null | undefined): Prisma.InputJsonValue | undefined {
  if (!detail) return undefined;
  // jsonb refuses U+0000; redact known secrets.
  const json = redact(JSON.stringify(detail, (_k, v: unknown) => (typeof v === "string" ? v.replace(/\u0000/g, "\uFFFD") : v)));
  return JSON.parse(json.length > 8_000 ? JSON.stringify({ truncated: json.slice(0, 8_000) }) : json) as Prisma.InputJsonValue;
}

/**
 * Records one state change by `ctx.principal`. Call it on every create/update/delete. `tx`: a caller
 * inside a transaction passes its transaction client, so the entry commits or rolls back with the
 * change and the log never disagrees with the data (ctx.db would write outside the transaction).
 */
export async function recordAudit(input: AuditInput, ctx: Ctx<unknown>, tx?: Tx): Promise<void> {
  const actor = actorOf(ctx);
  const db = tx ?? ctx.db;
  await db.auditLog.create({
    data: {
      actorKind: ACTOR_KIND[actor.kind],
      actorId: actor.id,
      actorName: actor.name.slice(0, 255),
      action: input.action.slice(0, 128),
      targetType: input.targetType?.slice(0, 64) ?? null,
      targetId: input.targetId?.slice(0, 128) ?? null,
      detail: sanitiseDetail(input.detail),
      ip: input.ip?.slice(0, 64) ?? null,
    },
  });
}

export interface ListAuditInput {
  limit: number;
  /** Keyset cursor: the id of the last entry of the previous page. */
  before?: string;
  action?: string;
  actorName?: string;
  targetType?: string;
  targetId?: string;
}

export async function listAudit(opts: ListAuditInput, ctx: Ctx<unknown>): Promise<{ entries: AuditEntryDto[]; nextCursor: string | null }> {
  const where: Prisma.AuditLogWhereInput = {};
  if (opts.before) where.id = { lt: BigInt(opts.before) };
  if (opts.action) where.action = { startsWith: opts.action };
  if (opts.actorName) where.actorName = opts.actorName;
  if (opts.targetType) where.targetType = opts.targetType;
  if (opts.targetId) where.targetId = opts.targetId;
  const rows = await ctx.db.auditLog.findMany({
    where,
    orderBy: { id: "desc" },
    take: opts.limit + 1,
    select: { id: true, at: true, actorKind: true, actorId: true, actorName: true, action: true, targetType: true, targetId: true, detail: true, ip: true },
  });
  const page = rows.slice(0, opts.limit);
  return {
    entries: page.map((r) => ({
      id: r.id.toString(),
      at: r.at.toISOString(),
      actorKind: r.actorKind,
      actorId: r.actorId,
      actorName: r.actorName,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      detail: (r.detail ?? null) as Record<string, unknown> | null,
      ip: r.ip,
    })),
    nextCursor: rows.length > opts.limit ? page[page.length - 1].id.toString() : null,
  };
}
