// Repository (shared infrastructure): stored RunPod keys; encryption lives in lib/secrets/runpod-key.ts.
import type { Prisma } from "@/lib/db";
import type { RunpodKeyDto } from "@/lib/api/specs/auth";
import type { EncryptedSecret } from "@/lib/secrets/crypto";
import { maskRunpodKey } from "@/lib/secrets/crypto";
import { actorOf, type Ctx } from "@/lib/ctx";
import { recordAudit } from "./audit";

/** Everything but the ciphertext: what lists and answers may carry. */
const PUBLIC_SELECT = { id: true, label: true, last4: true, active: true, createdBy: true, createdAt: true, revokedAt: true } satisfies Prisma.RunpodCredentialSelect;

function toRunpodKeyDto(r: Prisma.RunpodCredentialGetPayload<{ select: typeof PUBLIC_SELECT }>): RunpodKeyDto {
  return {
    id: r.id,
    label: r.label,
    masked: maskRunpodKey(r.last4),
    active: r.active,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

/** Stores an encrypted key and makes it the only active one. */
export async function insertRunpodCredential(
  input: { label: string; encrypted: EncryptedSecret; last4: string },
  ctx: Ctx<unknown>,
): Promise<RunpodKeyDto> {
  const actor = actorOf(ctx);
  return ctx.db.$transaction(async (tx) => {
    await tx.runpodCredential.updateMany({ where: { active: true }, data: { active: false } });
    const row = await tx.runpodCredential.create({
      data: { label: input.label, ...input.encrypted, last4: input.last4, active: true, createdBy: actor.name.slice(0, 255) },
      select: PUBLIC_SELECT,
    });
    await recordAudit({ action: "runpod_key.add", targetType: "runpod_key", targetId: row.id, detail: { label: input.label, masked: maskRunpodKey(input.last4) } }, ctx, tx);
    return toRunpodKeyDto(row);
  });
}

export async function listRunpodCredentials(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<RunpodKeyDto[]> {
  const rows = await ctx.db.runpodCredential.findMany({ orderBy: { createdAt: "desc" }, take: 100, select: PUBLIC_SELECT });
  return rows.map(toRunpodKeyDto);
}

/** The active stored key's ciphertext (server-side only; decrypt with lib/secrets). */
export async function getActiveRunpodCiphertext(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<(EncryptedSecret & { id: string }) | null> {
  return ctx.db.runpodCredential.findFirst({
    where: { active: true, revokedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, ciphertext: true, iv: true, tag: true },
  });
}

/** Revokes a stored key and erases its ciphertext; null when unknown. */
export async function revokeRunpodCredential(input: { id: string }, ctx: Ctx<unknown>): Promise<RunpodKeyDto | null> {
  const { id } = input;
  const now = ctx.now();
  return ctx.db.$transaction(async (tx) => {
    const existing = await tx.runpodCredential.findUnique({ where: { id }, select: { revokedAt: true, label: true, last4: true } });
    if (!existing) return null;
    const row = await tx.runpodCredential.update({
      where: { id },
      data: { active: false, revokedAt: existing.revokedAt ?? now, ciphertext: "", iv: "", tag: "" },
      select: PUBLIC_SELECT,
    });
    if (!existing.revokedAt) {
      await recordAudit({ action: "runpod_key.revoke", targetType: "runpod_key", targetId: id, detail: { label: existing.label, masked: maskRunpodKey(existing.last4) } }, ctx, tx);
    }
    return toRunpodKeyDto(row);
  });
}
