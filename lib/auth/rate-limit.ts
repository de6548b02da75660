// Service: login throttling rules over the shared rate-limit counters (lib/data/rate-limits.ts).
import { type Ctx, ctxWith } from "@/lib/ctx";
import { clearRateLimit, countInWindow, readWindows } from "@/lib/data/rate-limits";

/**
 * Login throttling, counted in PostgreSQL (lib/data/rate-limits.ts) so every web process shares
 * the same counts. Failures are counted per (username, IP) and per username over all IPs, in a
 * window that starts at the first failure; a success clears the (username, IP) count.
 */
export interface LoginLimits {
  windowMs: number;
  perUserIp: number;
  perUser: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { windowMs: 15 * 60_000, perUserIp: 5, perUser: 30 };

export interface LoginAttempt {
  username: string;
  ip: string | null;
}

export class LoginRateLimiter {
  constructor(private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {}

  private keys({ username, ip }: LoginAttempt) {
    const u = username.toLowerCase();
    return { userIp: `login:ui:${u}|${ip ?? "?"}`, user: `login:u:${u}` };
  }

  /** Seconds to wait before another attempt is allowed, or 0 when allowed now. */
  async retryAfterSeconds(input: LoginAttempt, ctx: Ctx<unknown>): Promise<number> {
    // one instant for the read and the wait computed from it
    const t = ctx.now().getTime();
    const k = this.keys(input);
    const windows = await readWindows({ keys: [k.userIp, k.user] }, ctxWith(ctx, { at: new Date(t) }));
    let waitMs = 0;
    for (const [key, max] of [[k.userIp, this.limits.perUserIp], [k.user, this.limits.perUser]] as const) {
      const w = windows.get(key);
      if (w && w.count >= max) waitMs = Math.max(waitMs, w.expiresAt.getTime() - t);
    }
    return Math.ceil(waitMs / 1000);
  }

  async recordFailure(input: LoginAttempt, ctx: Ctx<unknown>): Promise<void> {
    // both keys count the failure at the same instant
    const now = ctx.now();
    const k = this.keys(input);
    for (const key of [k.userIp, k.user]) await countInWindow({ key, windowMs: this.limits.windowMs }, ctxWith(ctx, { at: now }));
  }

  async recordSuccess(input: LoginAttempt, ctx: Ctx<unknown>): Promise<void> {
    await clearRateLimit({ key: this.keys(input).userIp }, ctx);
  }
}

let shared: LoginRateLimiter | undefined;
export function loginRateLimiter(): LoginRateLimiter {
  shared ??= new LoginRateLimiter();
  return shared;
}
