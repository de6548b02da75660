import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadEnv } from "@/lib/env";
import { addSecret } from "@/lib/log";

/**
 * Authenticated encryption (AES-256-GCM) of secrets stored in the database.
 * Key: SWEEPWATCH_SECRET_KEY (32 bytes as 64 hex chars or base64). In demo mode
 * without it, a key is generated once into $SWEEPWATCH_DATA_DIR/secret.key (mode 0600).
 * In live mode without it, storing secrets is refused (environment RUNPOD_API_KEY still works).
 */
export interface EncryptedSecret {
  ciphertext: string; // base64
  iv: string; // base64, 12 bytes
  tag: string; // base64, 16 bytes
}

export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretKeyError";
  }
}

export function parseSecretKey(raw: string, source: string): Buffer {
  const v = raw.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(v)) key = Buffer.from(v, "hex");
  else if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(v)) key = Buffer.from(v.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (!key || key.length !== 32) {
    throw new SecretKeyError(`${source} must be 32 bytes written as 64 hex characters or base64 (generate one with: openssl rand -hex 32).`);
  }
  return key;
}

export function secretKeyFilePath(dataDir = loadEnv().SWEEPWATCH_DATA_DIR): string {
  return path.resolve(dataDir, "secret.key");
}

/** Reads the demo key file, creating it (0600) when missing. */
export function loadOrCreateKeyFile(file: string): Buffer {
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    return parseSecretKey(readFileSync(file, "utf8"), file);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const hex = randomBytes(32).toString("hex");
  // wx: never overwrite a key another process just created.
  try {
    writeFileSync(file, hex + "\n", { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  return parseSecretKey(readFileSync(file, "utf8"), file);
}

let cachedKey: Buffer | undefined;

/** The encryption key, or throws SecretKeyError explaining how to configure one. */
export function getSecretKey(): Buffer {
  if (cachedKey) return cachedKey;
  const env = loadEnv();
  if (env.SWEEPWATCH_SECRET_KEY) {
    addSecret(env.SWEEPWATCH_SECRET_KEY);
    cachedKey = parseSecretKey(env.SWEEPWATCH_SECRET_KEY, "SWEEPWATCH_SECRET_KEY");
  } else if (env.mode === "demo") {
    cachedKey = loadOrCreateKeyFile(secretKeyFilePath(env.SWEEPWATCH_DATA_DIR));
  } else {
    throw new SecretKeyError("Storing secrets in live mode needs SWEEPWATCH_SECRET_KEY (32 bytes, e.g. `openssl rand -hex 32`).");
  }
  return cachedKey;
}

/** For tests that switch keys. */
export function resetSecretKeyCache() {
  cachedKey = undefined;
}

export function encryptSecret(plaintext: string, aad: string, key: Buffer = getSecretKey()): EncryptedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { ciphertext: ct.toString("base64"), iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64") };
}

/** Throws SecretKeyError when the data was tampered with or the key is wrong (never includes the data). */
export function decryptSecret(enc: EncryptedSecret, aad: string, key: Buffer = getSecretKey()): string {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(enc.iv, "base64"));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(Buffer.from(enc.tag, "base64"));
    const out = Buffer.concat([decipher.update(Buffer.from(enc.ciphertext, "base64")), decipher.final()]).toString("utf8");
    addSecret(out);
    return out;
  } catch {
    throw new SecretKeyError("A stored secret could not be decrypted: wrong SWEEPWATCH_SECRET_KEY or tampered data.");
  }
}

/** `rp_…abcd`: enough to recognise a RunPod key, never enough to use it. */
export function maskRunpodKey(last4: string): string {
  return `rp_…${last4}`;
}
