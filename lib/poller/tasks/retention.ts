import { downsampleOlderThan } from "@/lib/data/retention";
import { deleteExpiredSessions } from "@/lib/auth/repository";
import { deleteExpiredRateLimits } from "@/lib/data/rate-limits";
import type { PollerModule } from "@/lib/poller/types";

const DAY = 86_400_000;

/**
 * Hourly, on one poller at a time: raw snapshots and log lines older than RETENTION_RAW_DAYS → 1-minute
 * buckets; expired sign-in sessions and rate-limit rows deleted.
 */
export const retentionModule: PollerModule = {
  name: "retention",
  everyMs: 3_600_000,
  scope: "cluster",
  async run(ctx) {
    const cutoff = new Date(ctx.now.getTime() - ctx.config.retentionRawDays * DAY);
    const r = await downsampleOlderThan(cutoff, { prisma: ctx.prisma });
    if (r.snapshots || r.logLines) ctx.log.info("retention: downsampled", { cutoff: cutoff.toISOString(), ...r });
    const sessions = await deleteExpiredSessions({}, ctx.ctx);
    const rateLimits = await deleteExpiredRateLimits({}, ctx.ctx);
    if (sessions || rateLimits) ctx.log.info("retention: expired rows deleted", { sessions, rateLimits });
  },
};
