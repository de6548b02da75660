import { getPrisma } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { generateWebhookSecret, looksLikeToken, safeEqual } from "@/lib/auth/tokens";

type Deps = { prisma?: PrismaClient };

/**
 * The endpoint a webhook secret belongs to, or null. The lookup uses the unique index; the
 * final comparison is constant-time so the answer time does not depend on how much matched.
 */
export async function findEndpointByWebhookSecret(secret: string, deps: Deps = {}): Promise<{ id: string } | null> {
  if (!looksLikeToken("webhook", secret)) return null;
  const prisma = deps.prisma ?? getPrisma();
  const row = await prisma.endpoint.findUnique({ where: { webhookSecret: secret }, select: { id: true, webhookSecret: true } });
  if (!row?.webhookSecret || !safeEqual(row.webhookSecret, secret)) return null;
  return { id: row.id };
}

/** The endpoint's webhook secret, created on first use (concurrent callers agree on one). Null for an unknown endpoint. */
export async function ensureWebhookSecret(endpointId: string, deps: Deps = {}): Promise<string | null> {
  const prisma = deps.prisma ?? getPrisma();
  await prisma.endpoint.updateMany({ where: { id: endpointId, webhookSecret: null }, data: { webhookSecret: generateWebhookSecret() } });
  const row = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { webhookSecret: true } });
  return row?.webhookSecret ?? null;
}

/** Path of an endpoint's webhook route (append to sweepwatch's public origin). */
export function webhookPath(secret: string): string {
  return `/api/webhooks/runpod/${encodeURIComponent(secret)}`;
}
