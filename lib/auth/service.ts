import type { Prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { roleSatisfies } from "@/lib/domain/roles";
import type { Role } from "@/lib/http/spec";
import type { ApiTokenDto, IngestTokenDto, UserDto } from "@/lib/api/specs/auth";
import { recordAudit } from "@/lib/data/audit";
import { actorOf, type Ctx } from "@/lib/ctx";
import { hashPassword, LOCKED_PASSWORD_HASH } from "./password";
import { generateToken, hashToken, looksLikeToken, tokenDisplayPrefix } from "./tokens";
import { userIdOf } from "./ownership";
import {
  deleteSessionsOfUser,
  endpointExists,
  findApiTokenByHash,
  findApiTokenForRevoke,
  findIngestTokenByHash,
  findIngestTokenForRevoke,
  findUserRow,
  getApiTokenOwner,
  insertApiToken,
  insertIngestToken,
  insertUser,
  listApiTokens,
  lockAndCountActiveAdmins,
  normaliseUsername,
  setApiTokenLastUsed,
  setApiTokenRevokedAt,
  setIngestTokenLastUsed,
  setIngestTokenRevokedAt,
  updateUserRow,
} from "./repository";

/**
 * The auth service: accounts (passwords, the last-admin rule) and API and ingest tokens (secrets shown
 * once, stored as hashes), each change audited in its transaction. Queries: repository.ts; sign-in,
 * sessions and access checks: login.ts, session.ts, authorize.ts.
 */

// ───────────── users ─────────────

export class UserExistsError extends Error {
  constructor(username: string) {
    super(`A user named "${username}" already exists.`);
    this.name = "UserExistsError";
  }
}

export async function createUser(
  input: { username: string; password: string | null; role: Role; displayName?: string | null },
  ctx: Ctx<unknown>,
): Promise<UserDto> {
  const username = normaliseUsername(input.username);
  const passwordHash = input.password === null ? LOCKED_PASSWORD_HASH : await hashPassword(input.password);
  try {
    return await ctx.db.$transaction(async (tx) => {
      const user = await insertUser(tx, { username, passwordHash, role: input.role, displayName: input.displayName ?? null });
      await recordAudit({ action: "user.create", targetType: "user", targetId: user.id, detail: { username, role: input.role } }, ctx, tx);
      return user;
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw new UserExistsError(username);
    throw e;
  }
}

export class LastAdminError extends Error {
  constructor() {
    super("This would leave no active admin. Make another user admin first.");
    this.name = "LastAdminError";
  }
}

/**
 * Changes role, display name, disabled flag or password. Disabling a user or changing
 * their password or role ends their sessions. Refuses to remove the last active admin.
 */
export async function updateUser(
  input: { id: string; patch: { role?: Role; displayName?: string | null; disabled?: boolean; password?: string } },
  ctx: Ctx<unknown>,
): Promise<UserDto | null> {
  const { id, patch } = input;
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
  return ctx.db.$transaction(async (tx) => {
    const before = await findUserRow(tx, id);
    if (!before) return null;
    const losesAdmin =
      before.role === "admin" && before.disabledAt === null && ((patch.role !== undefined && patch.role !== "admin") || patch.disabled === true);
    if (losesAdmin && (await lockAndCountActiveAdmins(tx)) <= 1) throw new LastAdminError();
    const data: Prisma.UserUpdateInput = {};
    if (patch.role !== undefined) data.role = patch.role;
    if (patch.displayName !== undefined) data.displayName = patch.displayName;
    if (patch.disabled !== undefined) data.disabledAt = patch.disabled ? (before.disabledAt ?? ctx.now()) : null;
    if (passwordHash !== undefined) data.passwordHash = passwordHash;
    const user = await updateUserRow(tx, id, data);
    const endsSessions = patch.disabled === true || passwordHash !== undefined || (patch.role !== undefined && patch.role !== before.role);
    if (endsSessions) await deleteSessionsOfUser(tx, id);
    const detail: Record<string, unknown> = {};
    if (patch.role !== undefined && patch.role !== before.role) detail.role = { from: before.role, to: patch.role };
    if (patch.disabled !== undefined) detail.disabled = patch.disabled;
    if (patch.displayName !== undefined) detail.displayName = patch.displayName;
    if (passwordHash !== undefined) detail.passwordChanged = true;
    await recordAudit({ action: "user.update", targetType: "user", targetId: id, detail }, ctx, tx);
    return user;
  });
}

// ───────────── API tokens ─────────────

/** lastUsedAt is written at most this often per token, so busy scripts do not turn every read into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Creates an API token; the returned secret is the only copy (only its SHA-256 is stored). */
export async function createApiToken(
  input: { name: string; role: Role; createdById: string | null; expiresAt?: Date | null },
  ctx: Ctx<unknown>,
): Promise<{ token: ApiTokenDto; secret: string }> {
  const secret = generateToken("api");
  const token = await ctx.db.$transaction(async (tx) => {
    const row = await insertApiToken(tx, {
      name: input.name,
      role: input.role,
      tokenHash: hashToken(secret),
      prefix: tokenDisplayPrefix(secret),
      createdById: input.createdById,
      expiresAt: input.expiresAt ?? null,
    });
    await recordAudit({ action: "api_token.create", targetType: "api_token", targetId: row.id, detail: { name: input.name, role: input.role } }, ctx, tx);
    return row;
  });
  return { token, secret };
}

/** The API tokens the caller may see: every token for an admin, else those of the caller's own account. */
export async function listApiTokensFor(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<{ tokens: ApiTokenDto[]; showsAll: boolean }> {
  const principal = actorOf(ctx);
  const showsAll = roleSatisfies(principal.role, "admin");
  return { tokens: await listApiTokens(showsAll ? {} : { createdById: userIdOf(principal) ?? "-" }, ctx), showsAll };
}

/** A token the signed-in caller makes for their own account: never by another token, never above the caller's role. */
export async function createApiTokenFor(
  input: { name: string; role: Role; expiresInDays?: number },
  ctx: Ctx<unknown>,
): Promise<{ token: ApiTokenDto; secret: string }> {
  const principal = actorOf(ctx);
  if (principal.kind !== "user") throw new AppError("forbidden", "API tokens are created by a signed-in user, not by another token.");
  if (!roleSatisfies(principal.role, input.role)) throw new AppError("forbidden", `You cannot create a token with role ${input.role}; your role is ${principal.role}.`);
  const expiresAt = input.expiresInDays ? new Date(ctx.now().getTime() + input.expiresInDays * 86_400_000) : null;
  return createApiToken({ name: input.name, role: input.role, createdById: principal.id, expiresAt }, ctx);
}

/** Revokes a token of the caller's account, or any token for an admin; other callers get the 404 of an unknown token. */
export async function revokeApiTokenFor(input: { id: string }, ctx: Ctx<unknown>): Promise<ApiTokenDto> {
  const principal = actorOf(ctx);
  const owner = await getApiTokenOwner({ id: input.id }, ctx);
  const mine = owner !== null && owner.createdById !== null && owner.createdById === userIdOf(principal);
  if (!owner || (!mine && !roleSatisfies(principal.role, "admin"))) throw new AppError("not_found", "No such API token.");
  const token = await revokeApiToken({ id: input.id }, ctx);
  if (!token) throw new AppError("not_found", "No such API token.");
  return token;
}

/** Revokes (idempotently); null when there is no such token. */
export async function revokeApiToken(input: { id: string }, ctx: Ctx<unknown>): Promise<ApiTokenDto | null> {
  const { id } = input;
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const existing = await findApiTokenForRevoke(tx, id);
    if (!existing) return null;
    const row = await setApiTokenRevokedAt(tx, id, existing.revokedAt ?? now);
    if (!existing.revokedAt) await recordAudit({ action: "api_token.revoke", targetType: "api_token", targetId: id, detail: { name: existing.name } }, ctx, tx);
    return row;
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
  const row = await findApiTokenByHash({ tokenHash: hashToken(secret) }, ctx);
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.createdBy?.disabledAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await setApiTokenLastUsed({ id: row.id, at: now }, ctx);
  }
  return { id: row.id, name: row.name, role: row.role, createdById: row.createdById };
}

// ───────────── ingest tokens ─────────────

export class UnknownEndpointError extends Error {
  constructor(endpointId: string) {
    super(`No endpoint with id "${endpointId}".`);
    this.name = "UnknownEndpointError";
  }
}

export async function createIngestToken(input: { endpointId: string; name?: string | null }, ctx: Ctx<unknown>): Promise<{ token: IngestTokenDto; secret: string }> {
  const actor = actorOf(ctx);
  const secret = generateToken("ingest");
  const token = await ctx.db.$transaction(async (tx) => {
    if (!(await endpointExists(tx, input.endpointId))) throw new UnknownEndpointError(input.endpointId);
    const row = await insertIngestToken(tx, {
      endpointId: input.endpointId,
      name: input.name ?? null,
      tokenHash: hashToken(secret),
      prefix: tokenDisplayPrefix(secret),
      createdBy: actor.name.slice(0, 255),
    });
    await recordAudit(
      { action: "ingest_token.create", targetType: "ingest_token", targetId: row.id, detail: { endpointId: input.endpointId, name: input.name ?? null } },
      ctx,
      tx,
    );
    return row;
  });
  return { token, secret };
}

export async function revokeIngestToken(input: { id: string }, ctx: Ctx<unknown>): Promise<IngestTokenDto | null> {
  const { id } = input;
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const existing = await findIngestTokenForRevoke(tx, id);
    if (!existing) return null;
    const row = await setIngestTokenRevokedAt(tx, id, existing.revokedAt ?? now);
    if (!existing.revokedAt) {
      await recordAudit({ action: "ingest_token.revoke", targetType: "ingest_token", targetId: id, detail: { endpointId: existing.endpointId } }, ctx, tx);
    }
    return row;
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
  const row = await findIngestTokenByHash({ tokenHash: hashToken(token) }, ctx);
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await setIngestTokenLastUsed({ id: row.id, at: now }, ctx);
  }
  return { id: row.id, endpointId: row.endpointId };
}
