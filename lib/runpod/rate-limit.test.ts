import { describe, expect, it } from "vitest";
import { RateLimitTracker, parseRateLimitHeaders, parseRetryAfter, parseSfList } from "./rate-limit";

const h = (o: Record<string, string>) => new Headers(o);

describe("parseSfList", () => {
  it("reads strings, tokens and parameters", () => {
    expect(parseSfList(`"minute";r=0;t=12, "hour";r=2800;t=1812`)).toEqual([
      { value: "minute", params: { r: 0, t: 12 } },
      { value: "hour", params: { r: 2800, t: 1812 } },
    ]);
    expect(parseSfList(`default;q=100;w=10;flag`)).toEqual([{ value: "default", params: { q: 100, w: 10, flag: true } }]);
  });

  it("keeps commas inside quoted strings and survives garbage", () => {
    expect(parseSfList(`"a,b";q=1, @@@, "c";q=2`).map((i) => i.value)).toEqual(["a,b", "", "c"]);
    expect(() => parseSfList(`;;;==,,"`)).not.toThrow();
  });
});

describe("parseRateLimitHeaders", () => {
  it("joins the doc's RateLimit and RateLimit-Policy headers by window name", () => {
    const windows = parseRateLimitHeaders(
      h({
        "RateLimit-Policy": `"minute";q=60;w=60, "hour";q=3000;w=3600, "day";q=50000;w=86400`,
        RateLimit: `"minute";r=0;t=12, "hour";r=2800;t=1812, "day";r=49500;t=45012`,
      }),
    );
    expect(windows).toEqual([
      { name: "minute", limit: 60, windowSeconds: 60, remaining: 0, resetSeconds: 12 },
      { name: "hour", limit: 3000, windowSeconds: 3600, remaining: 2800, resetSeconds: 1812 },
      { name: "day", limit: 50000, windowSeconds: 86400, remaining: 49500, resetSeconds: 45012 },
    ]);
  });

  it("reads the draft-07 dictionary and the older separate headers", () => {
    expect(parseRateLimitHeaders(h({ RateLimit: "limit=100, remaining=7, reset=5", "RateLimit-Policy": "100;w=10" }))).toEqual([
      { name: "default", limit: 100, windowSeconds: 10, remaining: 7, resetSeconds: 5 },
    ]);
    expect(parseRateLimitHeaders(h({ "X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "4" }))).toEqual([
      { name: "default", limit: 10, windowSeconds: null, remaining: 3, resetSeconds: 4 },
    ]);
  });

  it("returns nothing when no header is present", () => {
    expect(parseRateLimitHeaders(h({}))).toEqual([]);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-28T12:00:00Z");
  it("accepts delta-seconds and HTTP-dates", () => {
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
    expect(parseRetryAfter("Sat, 28 Nov 2026 12:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Sat, 28 Nov 2026 11:00:00 GMT", now)).toBe(0);
  });
  it("returns null for missing or garbage values", () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
  });
});

describe("RateLimitTracker", () => {
  it("holds requests while a window is exhausted and releases them at its reset", () => {
    let now = 1_000_000;
    const t = new RateLimitTracker(() => now);
    t.observe("management", h({ RateLimit: `"minute";r=2;t=30`, "RateLimit-Policy": `"minute";q=60;w=60` }));
    expect(t.delayFor("management")).toBe(0);
    t.consume("management");
    t.consume("management");
    expect(t.delayFor("management")).toBe(30_000);
    expect(t.delayFor("jobs:ep")).toBe(0);
    now += 30_000;
    expect(t.delayFor("management")).toBe(0);
    expect(t.snapshot().scopes.management.remaining).toBe(60);
  });

  it("blocks a scope after a 429, using Retry-After, else the exhausted window, else the fallback", () => {
    let now = 0;
    const t = new RateLimitTracker(() => now);
    expect(t.rateLimited("a", 5000)).toBe(5000);
    expect(t.delayFor("a")).toBe(5000);
    t.observe("b", h({ RateLimit: `"minute";r=0;t=9` }));
    expect(t.rateLimited("b", null, 100)).toBe(9000);
    expect(t.rateLimited("c", null, 700)).toBe(700);
    now = 5000;
    expect(t.delayFor("a")).toBe(0);
    const snap = t.snapshot();
    expect(snap.total429).toBe(3);
    expect(snap.scopes.a.last429At).toBe(0);
  });

  it("reports a pace that spreads the remaining quota over the window", () => {
    const t = new RateLimitTracker(() => 0);
    t.observe("m", h({ RateLimit: `"minute";r=10;t=20, "hour";r=1000;t=3600` }));
    const s = t.snapshot().scopes.m;
    expect(s.remaining).toBe(10);
    expect(s.paceMs).toBe(3600);
  });

  it("keeps a reserve when asked", () => {
    const t = new RateLimitTracker(() => 0, 5);
    t.observe("m", h({ RateLimit: `"minute";r=5;t=10` }));
    expect(t.delayFor("m")).toBe(10_000);
  });
});
