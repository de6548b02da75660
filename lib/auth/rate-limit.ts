import type { PrismaClient } from "@/lib/generated/prisma/client";
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

export class LoginRateLimiter {
  constructor(
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly deps: { prisma?: PrismaClient } = {},
  ) {}

  private keys(username: string, ip: string | null) {
    const u = username.toLowerCase();
    return { userIp: `login:ui:${u}|${ip ?? "?"}`, user: `login:u:${u}` };
  }

  /** Seconds to wait before another attempt is allowed, or 0 when allowed now. */
  async retryAfterSeconds(username: string, ip: string | null): Promise<number> {
    const t = this.now();
    const k = this.keys(username, ip);
    const windows = await readWindows({ keys: [k.userIp, k.user], now: new Date(t) }, this.deps);
    let waitMs = 0;
    for (const [key, max] of [[k.userIp, this.limits.perUserIp], [k.user, this.limits.perUser]] as const) {
      const w = windows.get(key);
      if (w && w.count >= max) waitMs = Math.max(waitMs, w.expiresAt.getTime() - t);
    }
    return Math.ceil(waitMs / 1000);
  }

  async recordFailure(username: string, ip: string | null): Promise<void> {
    const now = new Date(this.now());
    const k = this.keys(username, ip);
    for (const key of [k.userIp, k.user]) await countInWindow({ key, now, windowMs: this.limits.windowMs }, this.deps);
  }

  async recordSuccess(username: string, ip: string | null): Promise<void> {
    await clearRateLimit(this.keys(username, ip).userIp, this.deps);
  }
}

let shared: LoginRateLimiter | undefined;
export function loginRateLimiter(): LoginRateLimiter {
  shared ??= new LoginRateLimiter();
  return shared;
}
