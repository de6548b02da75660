// Service: sign-in sessions (expiry rules, cookies); their rows: repository.ts.
import { randomBytes } from "node:crypto";
import type { Ctx } from "@/lib/ctx";
import { deleteSessionById, deleteSessionByTokenHash, findSessionByTokenHash, insertSession, touchSession } from "./repository";
import { generateToken, hashToken, looksLikeToken } from "./tokens";
import { CSRF_COOKIE, SESSION_COOKIE, serializeCookie } from "./request";
import type { Principal } from "./principal";

/** A session ends after 12 h without requests, and at the latest 7 days after sign-in. */
export const SESSION_IDLE_MS = 12 * 60 * 60_000;
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60_000;
/** lastSeenAt/expiresAt are moved at most this often, to keep reads cheap. */
const TOUCH_EVERY_MS = 5 * 60_000;

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(input: { userId: string; userAgent: string | null; ip: string | null }, ctx: Ctx<unknown>): Promise<NewSession> {
  const now = ctx.now();
  const token = generateToken("session");
  const csrfToken = randomBytes(24).toString("base64url");
  const expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, now.getTime() + SESSION_ABSOLUTE_MS));
  await insertSession({ tokenHash: hashToken(token), userId: input.userId, csrfToken, userAgent: input.userAgent, ip: input.ip, now, expiresAt }, ctx);
  return { token, csrfToken, expiresAt };
}

export interface ResolvedSession {
  principal: Principal;
  csrfToken: string;
}

/** The signed-in user of a session cookie value, or null (unknown, expired, user disabled). Slides the idle expiry. */
export async function resolveSession(input: { token: string | undefined }, ctx: Ctx<unknown>): Promise<ResolvedSession | null> {
  const { token } = input;
  if (!token || !looksLikeToken("session", token)) return null;
  const now = ctx.now();
  const s = await findSessionByTokenHash({ tokenHash: hashToken(token) }, ctx);
  if (!s) return null;
  const absoluteEnd = s.createdAt.getTime() + SESSION_ABSOLUTE_MS;
  if (s.expiresAt.getTime() <= now.getTime() || absoluteEnd <= now.getTime() || s.user.disabledAt) {
    await deleteSessionById({ id: s.id }, ctx);
    return null;
  }
  if (now.getTime() - s.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await touchSession({ id: s.id, lastSeenAt: now, expiresAt: new Date(Math.min(now.getTime() + SESSION_IDLE_MS, absoluteEnd)) }, ctx);
  }
  return {
    principal: { kind: "user", id: s.userId, name: s.user.username, role: s.user.role, via: "session", sessionId: s.id },
    csrfToken: s.csrfToken,
  };
}

export async function destroySession(input: { token: string | undefined }, ctx: Ctx<unknown>): Promise<void> {
  const { token } = input;
  if (!token || !looksLikeToken("session", token)) return;
  await deleteSessionByTokenHash({ tokenHash: hashToken(token) }, ctx);
}

/** Set-Cookie values for a new session: the HttpOnly session cookie and the readable CSRF cookie. */
export function sessionCookies(s: NewSession, secure: boolean): string[] {
  const maxAge = SESSION_ABSOLUTE_MS / 1000;
  return [
    serializeCookie(SESSION_COOKIE, s.token, { httpOnly: true, secure, maxAgeSeconds: maxAge }),
    serializeCookie(CSRF_COOKIE, s.csrfToken, { httpOnly: false, secure, maxAgeSeconds: maxAge }),
  ];
}

export function clearSessionCookies(secure: boolean): string[] {
  return [
    serializeCookie(SESSION_COOKIE, "", { httpOnly: true, secure, maxAgeSeconds: 0 }),
    serializeCookie(CSRF_COOKIE, "", { httpOnly: false, secure, maxAgeSeconds: 0 }),
  ];
}
