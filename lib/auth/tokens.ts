import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * High-entropy secrets (32 random bytes) are stored as their SHA-256: a slow hash
 * adds nothing when guessing is impossible, and lookups by hash stay indexed.
 */
export const TOKEN_PREFIX = {
  api: "swt_",
  ingest: "swi_",
  session: "sws_",
  webhook: "swh_",
} as const;

export type TokenKind = keyof typeof TOKEN_PREFIX;

export function generateToken(kind: TokenKind): string {
  return TOKEN_PREFIX[kind] + randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The part shown in lists so a token can be recognised: prefix + first 6 characters. */
export function tokenDisplayPrefix(token: string): string {
  const i = token.indexOf("_");
  return token.slice(0, (i >= 0 ? i + 1 : 0) + 6);
}

export function looksLikeToken(kind: TokenKind, value: string): boolean {
  return value.startsWith(TOKEN_PREFIX[kind]) && /^[A-Za-z0-9_-]{20,200}$/.test(value);
}

/** Unguessable secret for webhook URLs (`/api/webhooks/runpod/<secret>`); store it (or its hash) and compare with safeEqual. */
export function generateWebhookSecret(): string {
  return generateToken("webhook");
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  if (ab.length !== bb.length) return false;
  return timingSafeEqual(ab, bb);
}
