import type { Prisma } from "@/lib/db";
import type { Role } from "@/lib/http/spec";
import type { ApiTokenDto, IngestTokenDto, UserDto } from "@/lib/api/specs/auth";
import type { Ctx } from "@/lib/ctx";

/**
 * The auth repository: Prisma reads and writes of users, sign-in sessions, API tokens and ingest tokens,
 * and row-to-DTO mapping. Rules (passwords, the last admin, expiry, audit): service.ts, session.ts.
 * Functions taking `tx` are the pieces of one of the service's transactions.
 */

type Tx = Prisma.TransactionClient;

// ───────────── users ─────────────

const USER_SELECT = {
  id: true,
  username: true,
  displayName: true,
  role: true,
  disabledAt: true,
  lastLoginAt: true,
  createdAt: true,
} satisfies Prisma.UserSelect;

type UserRow = Prisma.UserGetPayload<{ select: typeof USER_SELECT }>;

function toUserDto(u: UserRow): UserDto {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    disabled: u.disabledAt !== null,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

export async function insertUser(tx: Tx, data: { username: string; passwordHash: string; role: Role; displayName: string | null }): Promise<UserDto> {
  const user = await tx.user.create({ data, select: USER_SELECT });
  return toUserDto(user);
}

/** The row the login check needs (with the hash); never returned to clients. */
export async function findUserForLogin(input: { username: string }, ctx: Ctx<unknown>) {
  return ctx.db.user.findUnique({
    where: { username: normaliseUsername(input.username) },
    select: { ...USER_SELECT, passwordHash: true },
  });
}

export async function getUserByUsername(input: { username: string }, ctx: Ctx<unknown>): Promise<UserDto | null> {
  const u = await ctx.db.user.findUnique({ where: { username: normaliseUsername(input.username) }, select: USER_SELECT });
  return u ? toUserDto(u) : null;
}

export async function listUsers(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<UserDto[]> {
  const rows = await ctx.db.user.findMany({ orderBy: { username: "asc" }, select: USER_SELECT, take: 1000 });
  return rows.map(toUserDto);
}

export async function findUserRow(tx: Tx, id: string): Promise<UserRow | null> {
  return tx.user.findUnique({ where: { id }, select: USER_SELECT });
}

/** Active admins, with their rows locked so two concurrent demotions cannot both pass the check. */
export async function lockAndCountActiveAdmins(tx: Tx): Promise<number> {
  await tx.$queryRaw`SELECT id FROM users WHERE role = 'admin' AND "disabledAt" IS NULL FOR UPDATE`;
  return tx.user.count({ where: { role: "admin", disabledAt: null } });
}

export async function updateUserRow(tx: Tx, id: string, data: Prisma.UserUpdateInput): Promise<UserDto> {
  const user = await tx.user.update({ where: { id }, data, select: USER_SELECT });
  return toUserDto(user);
}

export async function deleteSessionsOfUser(tx: Tx, userId: string): Promise<void> {
  await tx.session.deleteMany({ where: { userId } });
}

export async function recordLogin(input: { userId: string }, ctx: Ctx<unknown>): Promise<void> {
  await ctx.db.user.update({ where: { id: input.userId }, data: { lastLoginAt: ctx.now() } });
}

// ───────────── sessions ─────────────

export interface SessionRecord {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  user: { username: string; displayName: string | null; role: Role; disabledAt: Date | null };
}

export async function insertSession(
  input: {
    tokenHash: string;
    userId: string;
    csrfToken: string;
    userAgent: string | null;
    ip: string | null;
    now: Date;
    expiresAt: Date;
  },
  ctx: Ctx<unknown>,
): Promise<{ id: string }> {
  return ctx.db.session.create({
    data: {
      tokenHash: input.tokenHash,
      userId: input.userId,
      csrfToken: input.csrfToken,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
      ip: input.ip?.slice(0, 64) ?? null,
      createdAt: input.now,
      lastSeenAt: input.now,
      expiresAt: input.expiresAt,
    },
    select: { id: true },
  });
}

export async function findSessionByTokenHash(input: { tokenHash: string }, ctx: Ctx<unknown>): Promise<SessionRecord | null> {
  return ctx.db.session.findUnique({
    where: { tokenHash: input.tokenHash },
    select: {
      id: true,
      userId: true,
      csrfToken: true,
      createdAt: true,
      lastSeenAt: true,
      expiresAt: true,
      user: { select: { username: true, displayName: true, role: true, disabledAt: true } },
    },
  });
}

export async function touchSession(input: { id: string; lastSeenAt: Date; expiresAt: Date }, ctx: Ctx<unknown>): Promise<void> {
  await ctx.db.session.updateMany({ where: { id: input.id }, data: { lastSeenAt: input.lastSeenAt, expiresAt: input.expiresAt } });
}

export async function deleteSessionById(input: { id: string }, ctx: Ctx<unknown>): Promise<void> {
  await ctx.db.session.deleteMany({ where: { id: input.id } });
}

export async function deleteSessionByTokenHash(input: { tokenHash: string }, ctx: Ctx<unknown>): Promise<void> {
  await ctx.db.session.deleteMany({ where: { tokenHash: input.tokenHash } });
}

/** Run by the poller's retention task: a session past its expiresAt can never be used again. */
export async function deleteExpiredSessions(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<number> {
  const { count } = await ctx.db.session.deleteMany({ where: { expiresAt: { lt: ctx.now() } } });
  return count;
}

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

export async function insertApiToken(
  tx: Tx,
  data: { name: string; role: Role; tokenHash: string; prefix: string; createdById: string | null; expiresAt: Date | null },
): Promise<ApiTokenDto> {
  const row = await tx.apiToken.create({ data, select: API_TOKEN_SELECT });
  return toApiTokenDto(row);
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

export async function findApiTokenForRevoke(tx: Tx, id: string): Promise<{ revokedAt: Date | null; name: string } | null> {
  return tx.apiToken.findUnique({ where: { id }, select: { revokedAt: true, name: true } });
}

export async function setApiTokenRevokedAt(tx: Tx, id: string, revokedAt: Date): Promise<ApiTokenDto> {
  const row = await tx.apiToken.update({ where: { id }, data: { revokedAt }, select: API_TOKEN_SELECT });
  return toApiTokenDto(row);
}

export async function findApiTokenByHash(input: { tokenHash: string }, ctx: Ctx<unknown>) {
  return ctx.db.apiToken.findUnique({
    where: { tokenHash: input.tokenHash },
    select: { id: true, name: true, role: true, createdById: true, revokedAt: true, expiresAt: true, lastUsedAt: true, createdBy: { select: { disabledAt: true } } },
  });
}

export async function setApiTokenLastUsed(input: { id: string; at: Date }, ctx: Ctx<unknown>): Promise<void> {
  await ctx.db.apiToken.updateMany({ where: { id: input.id }, data: { lastUsedAt: input.at } });
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

export async function endpointExists(tx: Tx, endpointId: string): Promise<boolean> {
  return (await tx.endpoint.findUnique({ where: { id: endpointId }, select: { id: true } })) !== null;
}

export async function insertIngestToken(
  tx: Tx,
  data: { endpointId: string; name: string | null; tokenHash: string; prefix: string; createdBy: string },
): Promise<IngestTokenDto> {
  const row = await tx.ingestToken.create({ data, select: INGEST_SELECT });
  return toIngestTokenDto(row);
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

export async function findIngestTokenForRevoke(tx: Tx, id: string): Promise<{ revokedAt: Date | null; endpointId: string } | null> {
  return tx.ingestToken.findUnique({ where: { id }, select: { revokedAt: true, endpointId: true } });
}

export async function setIngestTokenRevokedAt(tx: Tx, id: string, revokedAt: Date): Promise<IngestTokenDto> {
  const row = await tx.ingestToken.update({ where: { id }, data: { revokedAt }, select: INGEST_SELECT });
  return toIngestTokenDto(row);
}

export async function findIngestTokenByHash(input: { tokenHash: string }, ctx: Ctx<unknown>) {
  return ctx.db.ingestToken.findUnique({
    where: { tokenHash: input.tokenHash },
    select: { id: true, endpointId: true, revokedAt: true, lastUsedAt: true },
  });
}

export async function setIngestTokenLastUsed(input: { id: string; at: Date }, ctx: Ctx<unknown>): Promise<void> {
  await ctx.db.ingestToken.updateMany({ where: { id: input.id }, data: { lastUsedAt: input.at } });
}
