import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, loadOrCreateKeyFile, maskRunpodKey, parseSecretKey, SecretKeyError } from "./crypto";

const key = randomBytes(32);
const AAD = "test:aad";

describe("secret encryption (AES-256-GCM)", () => {
  it("round-trips and never stores the plaintext", () => {
    const enc = encryptSecret("rpa_SUPERSECRETKEY1234", AAD, key);
    expect(Buffer.from(enc.iv, "base64")).toHaveLength(12);
    expect(Buffer.from(enc.tag, "base64")).toHaveLength(16);
    expect(JSON.stringify(enc)).not.toContain("SUPERSECRET");
    expect(decryptSecret(enc, AAD, key)).toBe("rpa_SUPERSECRETKEY1234");
    expect(encryptSecret("rpa_SUPERSECRETKEY1234", AAD, key).iv).not.toBe(enc.iv); // fresh IV each time
  });

  it("detects tampering of ciphertext, tag, IV or context, and a wrong key", () => {
    const enc = encryptSecret("rpa_SUPERSECRETKEY1234", AAD, key);
    const flip = (b64: string) => {
      const b = Buffer.from(b64, "base64");
      b[0] ^= 1;
      return b.toString("base64");
    };
    expect(() => decryptSecret({ ...enc, ciphertext: flip(enc.ciphertext) }, AAD, key)).toThrow(SecretKeyError);
    expect(() => decryptSecret({ ...enc, tag: flip(enc.tag) }, AAD, key)).toThrow(SecretKeyError);
    expect(() => decryptSecret({ ...enc, iv: flip(enc.iv) }, AAD, key)).toThrow(SecretKeyError);
    expect(() => decryptSecret(enc, "other:aad", key)).toThrow(SecretKeyError);
    expect(() => decryptSecret(enc, AAD, randomBytes(32))).toThrow(/wrong SWEEPWATCH_SECRET_KEY or tampered/);
    try {
      decryptSecret(enc, AAD, randomBytes(32));
    } catch (e) {
      expect(String(e)).not.toContain("SUPERSECRET");
    }
  });

  it("parses 32-byte keys in hex or base64 and explains bad ones", () => {
    expect(parseSecretKey(key.toString("hex"), "X")).toEqual(key);
    expect(parseSecretKey(key.toString("base64"), "X")).toEqual(key);
    expect(parseSecretKey(key.toString("base64url"), "X")).toEqual(key);
    expect(() => parseSecretKey("too-short", "SWEEPWATCH_SECRET_KEY")).toThrow(/SWEEPWATCH_SECRET_KEY must be 32 bytes/);
    expect(() => parseSecretKey(randomBytes(16).toString("hex"), "X")).toThrow(SecretKeyError);
  });

  it("creates the demo key file once with mode 0600 and reuses it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sw-key-"));
    const file = path.join(dir, "nested", "secret.key");
    const k1 = loadOrCreateKeyFile(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateKeyFile(file)).toEqual(k1);
    expect(readFileSync(file, "utf8").trim()).toBe(k1.toString("hex"));
    writeFileSync(file, "garbage");
    expect(() => loadOrCreateKeyFile(file)).toThrow(SecretKeyError);
  });

  it("masks RunPod keys", () => {
    expect(maskRunpodKey("abcd")).toBe("rp_…abcd");
  });
});
