// Repository (shared infrastructure): rate-limit counters.
import type { Ctx } from "@/lib/ctx";

/**
 * Rate-limit counters in PostgreSQL, so every web process counts against the same limits (in
 * memory each process kept its own, and limits loosened as processes were added). Each change is
 * one INSERT ... ON CONFLICT DO UPDATE, row-locked by PostgreSQL, so concurrent requests are all
 * counted. Times come from ctx.now(), so tests move time without waiting.
 */

/** Counts one event in a fixed window that starts at the key's first event; returns the count. */
export async function countInWindow(input: { key: string; windowMs: number }, ctx: Ctx<unknown>): Promise<number> {
  const now = ctx.now();
  const end = new Date(now.getTime() + input.windowMs);
  const rows = await ctx.db.$queryRaw<{ points: number }[]>`
    INSERT INTO rate_limits AS r (key, points, at, "expiresAt") VALUES (${input.key}, 1, ${now}, ${end})
    ON CONFLICT (key) DO UPDATE SET
      points = CASE WHEN r."expiresAt" <= ${now} THEN 1 ELSE r.points + 1 END,
      "expiresAt" = CASE WHEN r."expiresAt" <= ${now} THEN ${end} ELSE r."expiresAt" END,
      at = ${now}
    RETURNING points`;
  return rows[0].points;
}

/** The live window of each key (count and end); keys without one are left out. */
export async function readWindows(input: { keys: string[] }, ctx: Ctx<unknown>): Promise<Map<string, { count: number; expiresAt: Date }>> {
  const rows = await ctx.db.rateLimit.findMany({ where: { key: { in: input.keys }, expiresAt: { gt: ctx.now() } }, select: { key: true, points: true, expiresAt: true } });
  return new Map(rows.map((r) => [r.key, { count: r.points, expiresAt: r.expiresAt }]));
}

export async function clearRateLimit(input: { key: string }, ctx: Ctx<unknown>): Promise<void> {
  await ctx.db.rateLimit.deleteMany({ where: { key: input.key } });
}

/**
 * Token bucket: refills at `perSecond` up to `burst`; takes `cost` when the bucket holds that much,
 * or when it is full (a batch bigger than the bucket could otherwise never pass). Returns whether it
 * was taken and the tokens left (when refused, nothing is taken).
 */
export async function takeTokens(
  /** reserve: allow only if at least this many tokens stay in the bucket afterwards (lower-priority callers). */
  input: { key: string; cost: number; perSecond: number; burst: number; reserve?: number },
  ctx: Ctx<unknown>,
): Promise<{ allowed: boolean; tokens: number }> {
  const { key, cost, perSecond, burst } = input;
  const now = ctx.now();
  const reserve = Math.max(0, input.reserve ?? 0);
  // expiresAt = when the bucket is full again: from then on the row is as good as absent.
  const rows = await ctx.db.$queryRaw<{ points: number; allowed: boolean }[]>`
    INSERT INTO rate_limits AS r (key, points, at, "expiresAt", allowed)
    SELECT ${key}, p.burst - p.cost, p.now, p.now + make_interval(secs => p.cost / p.rate), true
    FROM (SELECT ${burst}::float8 AS burst, ${perSecond}::float8 AS rate, ${cost}::float8 AS cost, ${now}::timestamptz AS now) p
    WHERE p.burst - p.cost >= ${reserve}::float8 OR ${reserve}::float8 = 0
    ON CONFLICT (key) DO UPDATE SET (points, allowed, at, "expiresAt") = (
      SELECT n.points, a.allowed, p.now, p.now + make_interval(secs => GREATEST(0, p.burst - n.points) / p.rate)
      FROM (SELECT ${burst}::float8 AS burst, ${perSecond}::float8 AS rate, ${cost}::float8 AS cost, ${reserve}::float8 AS reserve, ${now}::timestamptz AS now) p,
        LATERAL (SELECT LEAST(p.burst, r.points + GREATEST(0, EXTRACT(EPOCH FROM (p.now - r.at))::float8) * p.rate) AS t) f,
        LATERAL (SELECT (f.t - p.cost >= p.reserve OR (p.reserve = 0 AND f.t >= p.burst)) AS allowed) a,
        LATERAL (SELECT CASE WHEN a.allowed THEN f.t - p.cost ELSE f.t END AS points) n
    )
    RETURNING points, allowed`;
  // no row: the bucket did not exist (full) and the reserve asks for more than a full bucket leaves
  if (!rows.length) return { allowed: false, tokens: burst };
  return { allowed: rows[0].allowed, tokens: rows[0].points };
}

/** Rows whose window ended or whose bucket is full again (run by the retention task). */
export async function deleteExpiredRateLimits(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<number> {
  const { count } = await ctx.db.rateLimit.deleteMany({ where: { expiresAt: { lt: ctx.now() } } });
  return count;
}
