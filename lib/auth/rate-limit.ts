/**
 * Login throttling, in memory of the web process (sweepwatch runs one web process; with
 * several behind a load balancer each keeps its own counts, so the limits multiply).
 * Failures are counted per (username, IP) and per username over all IPs, in a sliding
 * window; a success clears the (username, IP) count.
 */
export interface LoginLimits {
  windowMs: number;
  perUserIp: number;
  perUser: number;
  maxKeys: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { windowMs: 15 * 60_000, perUserIp: 5, perUser: 30, maxKeys: 10_000 };

export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string, t: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((x) => t - x < this.limits.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds to wait before another attempt is allowed, or 0 when allowed now. */
  retryAfterSeconds(username: string, ip: string | null): number {
    const t = this.now();
    const u = username.toLowerCase();
    let waitMs = 0;
    for (const [key, max] of [[`ui:${u}|${ip ?? "?"}`, this.limits.perUserIp], [`u:${u}`, this.limits.perUser]] as const) {
      const list = this.recent(key, t);
      if (list.length >= max) waitMs = Math.max(waitMs, list[list.length - max] + this.limits.windowMs - t);
    }
    return Math.ceil(waitMs / 1000);
  }

  recordFailure(username: string, ip: string | null): void {
    const t = this.now();
    const u = username.toLowerCase();
    for (const key of [`ui:${u}|${ip ?? "?"}`, `u:${u}`]) {
      const list = this.recent(key, t);
      list.push(t);
      this.failures.delete(key);
      this.failures.set(key, list); // re-insert: Map order = least recently failed first
    }
    while (this.failures.size > this.limits.maxKeys) {
      const oldest = this.failures.keys().next().value as string;
      this.failures.delete(oldest);
    }
  }

  recordSuccess(username: string, ip: string | null): void {
    this.failures.delete(`ui:${username.toLowerCase()}|${ip ?? "?"}`);
  }
}

const g = globalThis as typeof globalThis & { __sweepwatchLoginLimiter?: LoginRateLimiter };
export function loginRateLimiter(): LoginRateLimiter {
  g.__sweepwatchLoginLimiter ??= new LoginRateLimiter();
  return g.__sweepwatchLoginLimiter;
}
