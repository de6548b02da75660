// Service: sign-in (password check, throttling, session, audit).
import { AppError } from "@/lib/http/errors";
import { createLogger } from "@/lib/log";
import { actorOf, type Ctx, ctxWith } from "@/lib/ctx";
import { findUserForLogin, recordLogin } from "./repository";
import { recordAudit } from "@/lib/data/audit";
import { burnPasswordCheck, verifyPassword } from "./password";
import { loginRateLimiter, type LoginRateLimiter } from "./rate-limit";
import { createSession, destroySession, type NewSession } from "./session";
import { ensureAdminFromEnvOnce } from "./bootstrap";
import type { Principal } from "./principal";

const log = createLogger("auth");

export interface LoginResult {
  principal: Principal;
  session: NewSession;
}

/**
 * Checks a username and password (rate-limited per username+IP and per username, shared by all web processes) and opens
 * a session. Every failure answers the same 401 message, whether the user exists or not. `limiter`: tests pass their own limits.
 */
export async function login(
  input: { username: string; password: string; ip: string | null; userAgent: string | null; limiter?: LoginRateLimiter },
  ctx: Ctx<unknown>,
): Promise<LoginResult> {
  const limiter = input.limiter ?? loginRateLimiter();
  const attempt = { username: input.username, ip: input.ip };
  await ensureAdminFromEnvOnce({}, ctx);
  const wait = await limiter.retryAfterSeconds(attempt, ctx);
  if (wait > 0) {
    throw new AppError("rate_limited", `Too many failed sign-in attempts. Try again in ${wait} s.`, { headers: { "retry-after": String(wait) } });
  }
  const user = await findUserForLogin({ username: input.username }, ctx);
  let ok = false;
  if (user) ok = await verifyPassword(input.password, user.passwordHash);
  else await burnPasswordCheck(input.password);
  if (!user || !ok || user.disabledAt) {
    await limiter.recordFailure(attempt, ctx);
    log.warn("sign-in refused", { username: input.username.slice(0, 64), ip: input.ip, reason: !user ? "unknown user" : !ok ? "wrong password" : "disabled" });
    throw new AppError("unauthorized", "Wrong username or password.");
  }
  await limiter.recordSuccess(attempt, ctx);
  const session = await createSession({ userId: user.id, userAgent: input.userAgent, ip: input.ip }, ctx);
  await recordLogin({ userId: user.id }, ctx);
  const principal: Principal = { kind: "user", id: user.id, name: user.username, role: user.role, via: "session" };
  // the caller signs in only now: the entry names the user, not the anonymous principal of the request
  await recordAudit({ action: "auth.login", targetType: "user", targetId: user.id, ip: input.ip }, ctxWith(ctx, { principal }));
  return { principal, session };
}

/** Ends the session of a cookie; a caller signed in by that session is recorded signing out. */
export async function logout(input: { token: string | undefined }, ctx: Ctx<unknown>): Promise<void> {
  await destroySession({ token: input.token }, ctx);
  const principal = actorOf(ctx);
  if (principal.via === "session") await recordAudit({ action: "auth.logout", targetType: "user", targetId: principal.id }, ctx);
}
