import { AppError } from "@/lib/http/errors";
import { createLogger } from "@/lib/log";
import { findUserForLogin, recordLogin } from "@/lib/auth/users";
import { recordAudit } from "@/lib/data/audit";
import { burnPasswordCheck, verifyPassword } from "./password";
import { loginRateLimiter, type LoginRateLimiter } from "./rate-limit";
import { createSession, type NewSession } from "./session";
import { ensureAdminFromEnvOnce } from "./bootstrap";
import type { Principal } from "./principal";

const log = createLogger("auth");

export interface LoginResult {
  principal: Principal;
  session: NewSession;
}

/**
 * Checks a username and password (rate-limited per username+IP and per username, shared by all web processes) and opens
 * a session. Every failure answers the same 401 message, whether the user exists or not.
 */
export async function login(
  input: { username: string; password: string; ip: string | null; userAgent: string | null },
  opts: { limiter?: LoginRateLimiter; now?: Date } = {},
): Promise<LoginResult> {
  const limiter = opts.limiter ?? loginRateLimiter();
  const now = opts.now ?? new Date();
  await ensureAdminFromEnvOnce();
  const wait = await limiter.retryAfterSeconds(input.username, input.ip);
  if (wait > 0) {
    throw new AppError("rate_limited", `Too many failed sign-in attempts. Try again in ${wait} s.`, { headers: { "retry-after": String(wait) } });
  }
  const user = await findUserForLogin(input.username);
  let ok = false;
  if (user) ok = await verifyPassword(input.password, user.passwordHash);
  else await burnPasswordCheck(input.password);
  if (!user || !ok || user.disabledAt) {
    await limiter.recordFailure(input.username, input.ip);
    log.warn("sign-in refused", { username: input.username.slice(0, 64), ip: input.ip, reason: !user ? "unknown user" : !ok ? "wrong password" : "disabled" });
    throw new AppError("unauthorized", "Wrong username or password.");
  }
  await limiter.recordSuccess(input.username, input.ip);
  const session = await createSession(user.id, { userAgent: input.userAgent, ip: input.ip }, now);
  await recordLogin(user.id, now);
  const principal: Principal = { kind: "user", id: user.id, name: user.username, role: user.role, via: "session" };
  await recordAudit({ actor: principal, action: "auth.login", targetType: "user", targetId: user.id, ip: input.ip });
  return { principal, session };
}
