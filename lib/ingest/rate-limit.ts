/**
 * Token-bucket rate limit for POST /api/ingest/logs, per ingest token, in the web process's
 * memory (with several web processes each keeps its own buckets). Cost = lines in the batch
 * (at least 1, so empty exit-only batches count too).
 */
export interface IngestRateLimits {
  /** Sustained lines per second per token; 0 disables the limit. */
  linesPerSecond: number;
  /** Bucket size: lines a token may send at once after being quiet. */
  burst: number;
  maxKeys: number;
}

export class IngestRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly limits: IngestRateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `cost` from the key's bucket; returns 0 when allowed, else the seconds to wait (nothing taken). */
  take(key: string, cost: number): number {
    const { linesPerSecond, burst } = this.limits;
    if (linesPerSecond <= 0) return 0;
    const t = this.now();
    const c = Math.max(1, cost);
    const b = this.buckets.get(key) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * linesPerSecond);
    b.at = t;
    this.buckets.delete(key);
    this.buckets.set(key, b); // Map order = least recently used first
    while (this.buckets.size > this.limits.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    // A batch bigger than the bucket may pass when the bucket is full, else it could never pass.
    if (b.tokens >= c || b.tokens >= burst) {
      b.tokens -= c;
      return 0;
    }
    return Math.max(1, Math.ceil((c - b.tokens) / linesPerSecond));
  }
}
