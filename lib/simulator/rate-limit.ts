import type { RateLimits } from "./scenario";

/**
 * Fixed-window counters on the simulator clock. Jobs API: per endpoint and
 * operation in 10-s windows (docs, section 2.13). Management API: per user
 * (API key) in minute/hour/day windows with IETF RateLimit headers (4.1).
 */
export type JobsOp = "run" | "runsync" | "status" | "stream" | "cancel" | "purgeQueue" | "retry" | "health";

interface Window {
  idx: number;
  count: number;
}

export class JobsRateLimiter {
  private windows = new Map<string, Window>();
  private inflight = new Map<string, number>();
  constructor(private readonly cfg: RateLimits["jobs"]) {}

  /** Returns null when allowed, else seconds until the window resets. */
  take(endpointId: string, op: JobsOp, now: number, runningWorkers: number): number | null {
    if (!this.cfg.enabled) return null;
    const lim = this.cfg[op];
    if (lim.requests === null) return null;
    const limit = Math.max(lim.requests, runningWorkers * this.cfg.perWorker);
    const key = `${endpointId}\u0000${op}`;
    const idx = Math.floor(now / this.cfg.windowMs);
    let w = this.windows.get(key);
    if (!w || w.idx !== idx) {
      w = { idx, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= limit) return Math.max(1, Math.ceil(((idx + 1) * this.cfg.windowMs - now) / 1000));
    w.count++;
    return null;
  }

  /** Concurrency slot; returns a release function, or null when the op is at its concurrency cap. */
  enter(endpointId: string, op: JobsOp): (() => void) | null {
    const cap = this.cfg.enabled ? this.cfg[op].concurrent : null;
    const key = `${endpointId}\u0000${op}`;
    const n = this.inflight.get(key) ?? 0;
    if (cap !== null && n >= cap) return null;
    this.inflight.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inflight.set(key, (this.inflight.get(key) ?? 1) - 1);
    };
  }
}

const WINDOWS = [
  ["minute", 60],
  ["hour", 3600],
  ["day", 86400],
] as const;

export interface ManagementVerdict {
  allowed: boolean;
  headers: Record<string, string>;
  exceeded?: string;
}

export class ManagementRateLimiter {
  private users = new Map<string, Window[]>();
  private readonly policy: string;
  constructor(private readonly cfg: RateLimits["management"]) {
    this.policy = WINDOWS.map(([name, w]) => `"${name}";q=${cfg[name]};w=${w}`).join(", ");
  }

  take(user: string, now: number): ManagementVerdict {
    let ws = this.users.get(user);
    if (!ws) {
      ws = WINDOWS.map(() => ({ idx: -1, count: 0 }));
      this.users.set(user, ws);
    }
    const parts: string[] = [];
    let exceeded: string | undefined;
    let retryAfter = 0;
    const secs = now / 1000;
    WINDOWS.forEach(([name, w], i) => {
      const idx = Math.floor(secs / w);
      if (ws[i].idx !== idx) ws[i] = { idx, count: 0 };
      if (this.cfg.enabled && ws[i].count >= this.cfg[name] && !exceeded) {
        exceeded = name;
        retryAfter = Math.max(1, Math.ceil((idx + 1) * w - secs));
      }
    });
    if (!exceeded) for (const w of ws) w.count++;
    WINDOWS.forEach(([name, w], i) => {
      const reset = Math.max(0, Math.ceil((ws[i].idx + 1) * w - secs));
      parts.push(`"${name}";r=${Math.max(0, this.cfg[name] - ws[i].count)};t=${reset}`);
    });
    const headers: Record<string, string> = { "RateLimit-Policy": this.policy, RateLimit: parts.join(", ") };
    if (exceeded) headers["Retry-After"] = String(retryAfter);
    return { allowed: !exceeded, headers, exceeded };
  }
}
