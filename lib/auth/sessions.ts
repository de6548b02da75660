// Repository: sign-in session rows (the rules live in session.ts).
import type { Role } from "@/lib/http/spec";
import type { Ctx } from "@/lib/ctx";

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
