import { describe, expect, it } from "vitest";
import { generateToken, generateWebhookSecret, hashToken, looksLikeToken, safeEqual, tokenDisplayPrefix } from "./tokens";

describe("tokens", () => {
  it("are prefixed, 32 random bytes, and unique", () => {
    const t = generateToken("api");
    expect(t).toMatch(/^swt_[A-Za-z0-9_-]{43}$/);
    expect(generateToken("ingest")).toMatch(/^swi_/);
    expect(new Set(Array.from({ length: 200 }, () => generateToken("api"))).size).toBe(200);
    expect(generateWebhookSecret()).toMatch(/^swh_[A-Za-z0-9_-]{43}$/);
  });

  it("hash to a stable sha256 that does not contain the token", () => {
    const t = generateToken("api");
    expect(hashToken(t)).toBe(hashToken(t));
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).not.toBe(hashToken(t + "x"));
  });

  it("show a recognisable prefix only", () => {
    const t = generateToken("api");
    expect(tokenDisplayPrefix(t)).toBe(t.slice(0, 10));
    expect(tokenDisplayPrefix(t).length).toBeLessThan(12);
  });

  it("reject other kinds and junk before any lookup", () => {
    expect(looksLikeToken("api", generateToken("api"))).toBe(true);
    expect(looksLikeToken("api", generateToken("ingest"))).toBe(false);
    expect(looksLikeToken("api", "swt_' OR 1=1 --")).toBe(false);
    expect(looksLikeToken("session", "sws_short")).toBe(false);
  });

  it("compare in constant time", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
  });
});
