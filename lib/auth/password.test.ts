import { describe, expect, it } from "vitest";
import { hashPassword, LOCKED_PASSWORD_HASH, passwordProblem, SCRYPT_PARAMS, verifyPassword } from "./password";

describe("password hashing (scrypt)", () => {
  it("hashes with N >= 2^15 and a per-user salt, and verifies only the right password", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(SCRYPT_PARAMS.N).toBeGreaterThanOrEqual(2 ** 15);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b); // different salts
    expect(a).not.toContain("correct horse");
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
    expect(await verifyPassword("", a)).toBe(false);
  });

  it("verifies hashes made with other parameters (so they can be raised later)", async () => {
    const h = await hashPassword("another password", { N: 2 ** 14, r: 8, p: 1 });
    expect(h.startsWith("scrypt$16384$")).toBe(true);
    expect(await verifyPassword("another password", h)).toBe(true);
  });

  it("rejects malformed, tampered and locked hashes without throwing", async () => {
    const h = await hashPassword("tamper test password");
    const parts = h.split("$");
    const flipped = Buffer.from(parts[5], "base64");
    flipped[0] ^= 1;
    const tampered = [...parts.slice(0, 5), flipped.toString("base64")].join("$");
    expect(await verifyPassword("tamper test password", tampered)).toBe(false);
    expect(await verifyPassword("x", LOCKED_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword("x", "scrypt$99999999999$8$1$AA==$AA==")).toBe(false);
    expect(await verifyPassword("x", "bcrypt$2b$10$abc")).toBe(false);
  });

  it("explains weak passwords", () => {
    expect(passwordProblem("short")).toMatch(/at least 10/);
    expect(passwordProblem("long enough pw")).toBeNull();
  });
});
