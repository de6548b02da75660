import type { PrismaClient } from "@/lib/generated/prisma/client";
import { takeTokens } from "@/lib/data/rate-limits";
import { createCtx, type Ctx } from "@/lib/ctx";
import { managementBucket, managementLimit } from "@/lib/poller/schedule";

/**
 * The management API's quota belongs to the RunPod account, not to a process: every poller takes
 * its calls from one token bucket in PostgreSQL (the shared rate_limits table, lib/data/rate-limits.ts),
 * so N pollers together stay within one account's budget.
 */
export class ManagementBudget {
  private limit: number;
  private readonly ctx: Ctx<unknown>;
  constructor(
    prisma: PrismaClient,
    /** One key per RunPod account (pollers of one deployment share it). */
    private readonly key: string,
    now: () => number,
    private readonly configured: number,
  ) {
    this.limit = configured;
    this.ctx = createCtx({ db: prisma, now: () => new Date(now()) });
  }

  /** Follows the minute quota RunPod reports (RateLimit headers), never above the configured cap. */
  setReportedQuota(perMinute: number | null) {
    this.limit = managementLimit(perMinute, this.configured);
  }

  /**
   * Takes one call from the account's budget; false = none left right now (the call waits for a later tick).
   * `routine` calls (worker lists, discovery) leave half a burst in the bucket, so the log reads they
   * lead to still get calls when lists alone would use the whole budget (many endpoints, short intervals):
   * without it, a crash loop's logs were never read once the lists had drained the bucket.
   */
  async tryTake(kind: "routine" | "logs" = "logs"): Promise<boolean> {
    const { burst, perSecond } = managementBucket(this.limit);
    const reserve = kind === "routine" ? Math.floor(burst / 2) : 0;
    const r = await takeTokens({ key: this.key, cost: 1, perSecond, burst, reserve }, this.ctx);
    return r.allowed;
  }
}
