import type { Prisma } from "@/lib/db";
import type { Role } from "@/lib/http/spec";
import type { ApiTokenDto, IngestTokenDto } from "@/lib/api/specs/auth";
import { generateToken, hashToken, looksLikeToken, tokenDisplayPrefix } from "@/lib/auth/tokens";
import { recordAudit } from "@/lib/data/audit";
import { actorOf, type Ctx } from "@/lib/ctx";

/** lastUsedAt is written at most this often per token, so busy scripts do not turn every read into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

// ───────────── API tokens ─────────────

const API_TOKEN_SELECT = {
  id: true,
  name: true,
  role: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  createdBy: { select: { username: true } },
} satisfies Prisma.ApiTokenSelect;

function toApiTokenDto(t: Prisma.ApiTokenGetPayload<{ select: typeof API_TOKEN_SELECT }>): ApiTokenDto {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    prefix: t.prefix,
    createdBy: t.createdBy?.username ?? null,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

/** Creates an API token; the returned secret is the only copy (only its SHA-256 is stored). */
export async function createApiToken(
  input: { name: string; role: Role; createdById: string | null; expiresAt?: Date | null },
  ctx: Ctx<unknown>,
): Promise<{ token: ApiTokenDto; secret: string }> {
  const secret = generateToken("api");
  const token = await ctx.db.$transaction(async (tx) => {
    const row = await tx.apiToken.create({
      data: {
        name: input.name,
        role: input.role,
        tokenHash: hashToken(secret),
        prefix: tokenDisplayPrefix(secret),
        createdById: input.createdById,
        expiresAt: input.expiresAt ?? null,
      },
      select: API_TOKEN_SELECT,
    });
    await recordAudit({ action: "api_token.create", targetType: "api_token", targetId: row.id, detail: { name: input.name, role: input.role } }, ctx, tx);
    return row;
  });
  return { token: toApiTokenDto(token), secret };
}

export async function listApiTokens(input: { createdById?: string }, ctx: Ctx<unknown>): Promise<ApiTokenDto[]> {
  const rows = await ctx.db.apiToken.findMany({
    where: input.createdById !== undefined ? { createdById: input.createdById } : {},
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    take: 500,
    select: API_TOKEN_SELECT,
  });
  return rows.map(toApiTokenDto);
}

export async function getApiTokenOwner(input: { id: string }, ctx: Ctx<unknown>): Promise<{ createdById: string | null } | null> {
  return ctx.db.apiToken.findUnique({ where: { id: input.id }, select: { createdById: true } });
}

/** Revokes (idempotently); null when there is no such token. */
export async function revokeApiToken(input: { id: string }, ctx: Ctx<unknown>): Promise<ApiTokenDto | null> {
  const { id } = input;
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const existing = await tx.apiToken.findUnique({ where: { id }, select: { revokedAt: true, name: true } });
    if (!existing) return null;
    const row = await tx.apiToken.update({ where: { id }, data: { revokedAt: existing.revokedAt ?? now }, select: API_TOKEN_SELECT });
    if (!existing.revokedAt) await recordAudit({ action: "api_token.revoke", targetType: "api_token", targetId: id, detail: { name: existing.name } }, ctx, tx);
    return toApiTokenDto(row);
  });
}

export interface ApiTokenPrincipalRow {
  id: string;
  name: string;
  role: Role;
  createdById: string | null;
}

/** The live token matching a bearer secret (not revoked, not expired, creator not disabled), updating lastUsedAt. */
export async function authenticateApiToken(input: { secret: string }, ctx: Ctx<unknown>): Promise<ApiTokenPrincipalRow | null> {
  const { secret } = input;
  if (!looksLikeToken("api", secret)) return null;
  const now = ctx.now();
  const row = await ctx.db.apiToken.findUnique({
    where: { tokenHash: hashToken(secret) },
    select: { id: true, name: true, role: true, createdById: true, revokedAt: true, expiresAt: true, lastUsedAt: true, createdBy: { select: { disabledAt: true } } },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.createdBy?.disabledAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await ctx.db.apiToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { id: row.id, name: row.name, role: row.role, createdById: row.createdById };
}

// ───────────── ingest tokens ─────────────

const INGEST_SELECT = {
  id: true,
  endpointId: true,
  name: true,
  prefix: true,
  createdBy: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} satisfies Prisma.IngestTokenSelect;

function toIngestTokenDto(t: Prisma.IngestTokenGetPayload<{ select: typeof INGEST_SELECT }>): IngestTokenDto {
  return {
    id: t.id,
    endpointId: t.endpointId,
    name: t.name,
    prefix: t.prefix,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

export class UnknownEndpointError extends Error {
  constructor(endpointId: string) {
    super(`No endpoint with id "${endpointId}".`);
    this.name = "UnknownEndpointError";
  }
}

export async function createIngestToken(
  input: { endpointId: string; name?: string | null },
  ctx: Ctx<unknown>,
): Promise<{ token: IngestTokenDto; secret: string }> {
  const actor = actorOf(ctx);
  const secret = generateToken("ingest");
  const token = await ctx.db.$transaction(async (tx) => {
    const endpoint = await tx.endpoint.findUnique({ where: { id: input.endpointId }, select: { id: true } });
    if (!endpoint) throw new UnknownEndpointError(input.endpointId);
    const row = await tx.ingestToken.create({
      data: {
        endpointId: input.endpointId,
        name: input.name ?? null,
        tokenHash: hashToken(secret),
        prefix: tokenDisplayPrefix(secret),
        createdBy: actor.name.slice(0, 255),
      },
      select: INGEST_SELECT,
    });
    await recordAudit(
      { action: "ingest_token.create", targetType: "ingest_token", targetId: row.id, detail: { endpointId: input.endpointId, name: input.name ?? null } },
      ctx,
      tx,
    );
    return row;
  });
  return { token: toIngestTokenDto(token), secret };
}

export async function listIngestTokens(input: { endpointId?: string }, ctx: Ctx<unknown>): Promise<IngestTokenDto[]> {
  const rows = await ctx.db.ingestToken.findMany({
    where: input.endpointId ? { endpointId: input.endpointId } : {},
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    take: 500,
    select: INGEST_SELECT,
  });
  return rows.map(toIngestTokenDto);
}

export async function revokeIngestToken(input: { id: string }, ctx: Ctx<unknown>): Promise<IngestTokenDto | null> {
  const { id } = input;
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const existing = await tx.ingestToken.findUnique({ where: { id }, select: { revokedAt: true, endpointId: true } });
    if (!existing) return null;
    const row = await tx.ingestToken.update({ where: { id }, data: { revokedAt: existing.revokedAt ?? now }, select: INGEST_SELECT });
    if (!existing.revokedAt) {
      await recordAudit({ action: "ingest_token.revoke", targetType: "ingest_token", targetId: id, detail: { endpointId: existing.endpointId } }, ctx, tx);
    }
    return toIngestTokenDto(row);
  });
}

/**
 * For POST /api/ingest/logs: true when `token` is a live (not revoked) ingest token of
 * `endpointId`. Compares hashes (lookup by SHA-256), updates lastUsedAt at most once a minute.
 */
export async function verifyIngestToken(input: { endpointId: string; token: string }, ctx: Ctx<unknown>): Promise<boolean> {
  const found = await findIngestToken({ token: input.token }, ctx);
  return found !== null && found.endpointId === input.endpointId;
}

/** The endpoint a live ingest token belongs to (for ingest payloads that do not name their endpoint), or null. */
export async function findIngestToken(input: { token: string }, ctx: Ctx<unknown>): Promise<{ id: string; endpointId: string } | null> {
  const { token } = input;
  if (!looksLikeToken("ingest", token)) return null;
  const now = ctx.now();
  const row = await ctx.db.ingestToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, endpointId: true, revokedAt: true, lastUsedAt: true },
  });
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await ctx.db.ingestToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { id: row.id, endpointId: row.endpointId };
}
