import type { PrismaClient } from "@/lib/generated/prisma/client";
import { takeTokens } from "@/lib/data/rate-limits";
import { createCtx } from "@/lib/ctx";

/**
 * Token-bucket rate limit for POST /api/ingest/logs, per ingest token, kept in PostgreSQL
 * (lib/data/rate-limits.ts) so every web process draws from the same bucket. Cost = lines in the
 * batch (at least 1, so empty exit-only batches count too).
 */
export interface IngestRateLimits {
  /** Sustained lines per second per token; 0 disables the limit. */
  linesPerSecond: number;
  /** Bucket size: lines a token may send at once after being quiet. */
  burst: number;
}

export class IngestRateLimiter {
  constructor(
    readonly limits: IngestRateLimits,
    private readonly now: () => number = Date.now,
    private readonly deps: { prisma?: PrismaClient } = {},
  ) {}

  /** Takes `cost` from the key's bucket; returns 0 when allowed, else the seconds to wait (nothing taken). */
  async take(key: string, cost: number): Promise<number> {
    const { linesPerSecond, burst } = this.limits;
    if (linesPerSecond <= 0) return 0;
    const c = Math.max(1, cost);
    const r = await takeTokens({ key: `ingest:${key}`, cost: c, perSecond: linesPerSecond, burst }, createCtx({ db: this.deps.prisma, now: () => new Date(this.now()) }));
    if (r.allowed) return 0;
    return Math.max(1, Math.ceil((c - r.tokens) / linesPerSecond));
  }
}
