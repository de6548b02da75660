import type { PrismaClient } from "@/lib/generated/prisma/client";
import { checkOutgoingUrl } from "@/lib/auth/outgoing-url";
import type { Logger } from "@/lib/log";

export interface NotifySenderOptions {
  /** NOTIFY_WEBHOOK_URL; nothing is sent (and nothing is dropped) while it is unset. */
  url: string | null | undefined;
  /** Tests and local receivers only: skip the internal-address check. */
  allowInternal?: boolean;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  maxAttempts?: number;
  /** Back-off after a failed attempt: baseMs * 2^(attempt-1), capped at maxBackoffMs. */
  baseMs?: number;
  maxBackoffMs?: number;
  batch?: number;
  /** A message not delivered within this long after it was queued is dropped (status failed): stale news. Default 6 h. */
  maxAgeMs?: number;
  log?: Logger;
}

export interface SendResult {
  sent: number;
  failed: number;
  retried: number;
  skipped: string | null;
}

export function notificationBackoffMs(attempt: number, baseMs = 5_000, maxMs = 10 * 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Delivers due notifications from the outbox (status pending, nextAttemptAt <= now) to the webhook:
 * each row is claimed (pending → sending) before the POST so two senders never send it twice; a 2xx
 * marks it sent, anything else schedules a retry with back-off until maxAttempts, then failed. The URL
 * is checked against loopback/private/metadata addresses (lib/auth/outgoing-url) before every round;
 * a refused URL leaves the rows pending and reports why.
 */
export async function sendDueNotifications(prisma: PrismaClient, now: Date, opts: NotifySenderOptions): Promise<SendResult> {
  const res: SendResult = { sent: 0, failed: 0, retried: 0, skipped: null };
  if (!opts.url) return { ...res, skipped: "NOTIFY_WEBHOOK_URL is not set" };
  const expired = await prisma.notification.updateMany({
    where: { status: "pending", createdAt: { lt: new Date(now.getTime() - (opts.maxAgeMs ?? 6 * 3_600_000)) } },
    data: { status: "failed", lastError: "expired before delivery" },
  });
  res.failed += expired.count;
  const due = await prisma.notification.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now } },
    orderBy: { id: "asc" },
    take: opts.batch ?? 20,
    select: { id: true, payload: true, attempts: true },
  });
  if (!due.length) return res;
  const check = await checkOutgoingUrl(opts.url, { allowInternal: opts.allowInternal });
  if (!check.ok) {
    opts.log?.warn("notification webhook refused", { reason: check.reason });
    return { ...res, skipped: `NOTIFY_WEBHOOK_URL refused: ${check.reason}` };
  }
  const doFetch = opts.fetchImpl ?? fetch;
  const maxAttempts = opts.maxAttempts ?? 8;
  for (const n of due) {
    const claimed = await prisma.notification.updateMany({ where: { id: n.id, status: "pending" }, data: { status: "sending", attempts: { increment: 1 }, nextAttemptAt: now } });
    if (!claimed.count) continue;
    const attempt = n.attempts + 1;
    let error: string | null = null;
    try {
      const r = await doFetch(check.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(n.payload),
        redirect: "manual",
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
      });
      if (r.status < 200 || r.status >= 300) error = `HTTP ${r.status}`;
      await r.body?.cancel().catch(() => undefined);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    if (!error) {
      await prisma.notification.update({ where: { id: n.id }, data: { status: "sent", sentAt: now, lastError: null } });
      res.sent++;
    } else if (attempt >= maxAttempts) {
      await prisma.notification.update({ where: { id: n.id }, data: { status: "failed", lastError: error.slice(0, 500) } });
      res.failed++;
    } else {
      await prisma.notification.update({
        where: { id: n.id },
        data: { status: "pending", lastError: error.slice(0, 500), nextAttemptAt: new Date(now.getTime() + notificationBackoffMs(attempt, opts.baseMs, opts.maxBackoffMs)) },
      });
      res.retried++;
    }
  }
  return res;
}

/** A row left in "sending" by a crashed sender goes back to pending after this long. */
export async function releaseStuckNotifications(prisma: PrismaClient, now: Date, olderThanMs = 5 * 60_000): Promise<number> {
  const r = await prisma.notification.updateMany({ where: { status: "sending", nextAttemptAt: { lt: new Date(now.getTime() - olderThanMs) } }, data: { status: "pending" } });
  return r.count;
}
