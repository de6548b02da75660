import { getPrisma } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/http/spec";

export interface SessionRecord {
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  user: { username: string; displayName: string | null; role: Role; disabledAt: Date | null };
}

export async function insertSession(input: {
  tokenHash: string;
  userId: string;
  csrfToken: string;
  userAgent: string | null;
  ip: string | null;
  now: Date;
  expiresAt: Date;
}): Promise<{ id: string }> {
  return getPrisma().session.create({
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

export async function findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null> {
  return getPrisma().session.findUnique({
    where: { tokenHash },
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

export async function touchSession(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
  await getPrisma().session.updateMany({ where: { id }, data: { lastSeenAt, expiresAt } });
}

export async function deleteSessionById(id: string): Promise<void> {
  await getPrisma().session.deleteMany({ where: { id } });
}

export async function deleteSessionByTokenHash(tokenHash: string): Promise<void> {
  await getPrisma().session.deleteMany({ where: { tokenHash } });
}

/** Run by the poller's retention task: a session past its expiresAt can never be used again. */
export async function deleteExpiredSessions(now: Date, deps: { prisma?: PrismaClient } = {}): Promise<number> {
  const { count } = await (deps.prisma ?? getPrisma()).session.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
