import type { Ctx } from "@/lib/ctx";
import { generateWebhookSecret, looksLikeToken, safeEqual } from "@/lib/auth/tokens";

// Service of endpoint webhook secrets: created on first use, matched in constant time.

/**
 * The endpoint a webhook secret belongs to, or null. The lookup uses the unique index; the
 * final comparison is constant-time so the answer time does not depend on how much matched.
 */
export async function findEndpointByWebhookSecret({ secret }: { secret: string }, ctx: Ctx<unknown>): Promise<{ id: string } | null> {
  if (!looksLikeToken("webhook", secret)) return null;
  const row = await ctx.db.endpoint.findUnique({ where: { webhookSecret: secret }, select: { id: true, webhookSecret: true } });
  if (!row?.webhookSecret || !safeEqual(row.webhookSecret, secret)) return null;
  return { id: row.id };
}

/** The endpoint's webhook secret, created on first use (concurrent callers agree on one). Null for an unknown endpoint. */
export async function ensureWebhookSecret({ endpointId }: { endpointId: string }, ctx: Ctx<unknown>): Promise<string | null> {
  const prisma = ctx.db;
  await prisma.endpoint.updateMany({ where: { id: endpointId, webhookSecret: null }, data: { webhookSecret: generateWebhookSecret() } });
  const row = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { webhookSecret: true } });
  return row?.webhookSecret ?? null;
}

/** Path of an endpoint's webhook route (append to sweepwatch's public origin). */
export function webhookPath(secret: string): string {
  return `/api/webhooks/runpod/${encodeURIComponent(secret)}`;
}
