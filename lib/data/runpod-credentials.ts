import { getPrisma, Prisma } from "@/lib/db";
import type { RunpodKeyDto } from "@/lib/api/specs/auth";
import type { EncryptedSecret } from "@/lib/secrets/crypto";
import { maskRunpodKey } from "@/lib/secrets/crypto";
import type { Principal } from "@/lib/auth/principal";
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
  actor: Principal,
): Promise<RunpodKeyDto> {
  return getPrisma().$transaction(async (tx) => {
    await tx.runpodCredential.updateMany({ where: { active: true }, data: { active: false } });
    const row = await tx.runpodCredential.create({
      data: { label: input.label, ...input.encrypted, last4: input.last4, active: true, createdBy: actor.name.slice(0, 255) },
      select: PUBLIC_SELECT,
    });
    await recordAudit({ actor, action: "runpod_key.add", targetType: "runpod_key", targetId: row.id, detail: { label: input.label, masked: maskRunpodKey(input.last4) } }, tx);
    return toRunpodKeyDto(row);
  });
}

export async function listRunpodCredentials(): Promise<RunpodKeyDto[]> {
  const rows = await getPrisma().runpodCredential.findMany({ orderBy: { createdAt: "desc" }, take: 100, select: PUBLIC_SELECT });
  return rows.map(toRunpodKeyDto);
}

/** The active stored key's ciphertext (server-side only; decrypt with lib/secrets). */
export async function getActiveRunpodCiphertext(): Promise<(EncryptedSecret & { id: string }) | null> {
  return getPrisma().runpodCredential.findFirst({
    where: { active: true, revokedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true, ciphertext: true, iv: true, tag: true },
  });
}

/** Revokes a stored key and erases its ciphertext; null when unknown. */
export async function revokeRunpodCredential(id: string, actor: Principal, now = new Date()): Promise<RunpodKeyDto | null> {
  return getPrisma().$transaction(async (tx) => {
    const existing = await tx.runpodCredential.findUnique({ where: { id }, select: { revokedAt: true, label: true, last4: true } });
    if (!existing) return null;
    const row = await tx.runpodCredential.update({
      where: { id },
      data: { active: false, revokedAt: existing.revokedAt ?? now, ciphertext: "", iv: "", tag: "" },
      select: PUBLIC_SELECT,
    });
    if (!existing.revokedAt) {
      await recordAudit({ actor, action: "runpod_key.revoke", targetType: "runpod_key", targetId: id, detail: { label: existing.label, masked: maskRunpodKey(existing.last4) } }, tx);
    }
    return toRunpodKeyDto(row);
  });
}
