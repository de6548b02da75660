import { loadEnv } from "@/lib/env";
import { addSecret } from "@/lib/log";
import type { RunpodKeyDto, RunpodKeyStatusDto } from "@/lib/api/specs/auth";
import type { Ctx } from "@/lib/ctx";
import { getActiveRunpodCiphertext, insertRunpodCredential, listRunpodCredentials } from "@/lib/data/runpod-credentials";
import { decryptSecret, encryptSecret, getSecretKey, maskRunpodKey, SecretKeyError } from "./crypto";

const AAD = "sweepwatch:runpod-credential:v1";

/**
 * The RunPod API key the poller should use: RUNPOD_API_KEY from the environment first,
 * else the active key an admin stored (decrypted here, registered with the log redactor).
 * undefined when neither exists. Never put the result in a response, an error or a log field.
 */
export async function getRunpodApiKey(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<string | undefined> {
  const env = loadEnv();
  if (env.RUNPOD_API_KEY) {
    addSecret(env.RUNPOD_API_KEY);
    return env.RUNPOD_API_KEY;
  }
  const row = await getActiveRunpodCiphertext({}, ctx);
  if (!row) return undefined;
  return decryptSecret(row, AAD);
}

/** Encrypts and stores a key an admin entered; it becomes the active stored key. */
export async function storeRunpodApiKey(input: { label: string; apiKey: string }, ctx: Ctx<unknown>): Promise<RunpodKeyDto> {
  const apiKey = input.apiKey.trim();
  addSecret(apiKey);
  const encrypted = encryptSecret(apiKey, AAD);
  return insertRunpodCredential({ label: input.label, encrypted, last4: apiKey.slice(-4) }, ctx);
}

export function canStoreSecrets(): { ok: boolean; reason: string | null } {
  try {
    getSecretKey();
    return { ok: true, reason: null };
  } catch (e) {
    return { ok: false, reason: e instanceof SecretKeyError ? e.message : "The secret key could not be loaded." };
  }
}

export async function getRunpodKeyStatus(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<RunpodKeyStatusDto> {
  const env = loadEnv();
  const keys = await listRunpodCredentials({}, ctx);
  const store = canStoreSecrets();
  return {
    source: env.RUNPOD_API_KEY ? "env" : keys.some((k) => k.active) ? "stored" : "none",
    envMasked: env.RUNPOD_API_KEY ? maskRunpodKey(env.RUNPOD_API_KEY.slice(-4)) : null,
    keys,
    canStore: store.ok,
    canStoreReason: store.reason,
  };
}
