import { describe, expect, it } from "vitest";
import { RateLimitTracker, parseRateLimitHeaders, parseRetryAfter } from "./rate-limit";

const h = (o: Record<string, string>) => new Headers(o);

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

  it("reads token names, unknown parameters and commas inside quoted names", () => {
    expect(parseRateLimitHeaders(h({ "RateLimit-Policy": `default;q=100;w=10;flag`, RateLimit: `default;r=4;t=2` }))).toEqual([
      { name: "default", limit: 100, windowSeconds: 10, remaining: 4, resetSeconds: 2 },
    ]);
    expect(parseRateLimitHeaders(h({ "RateLimit-Policy": `"a,b";q=1, "c";q=2` })).map((w) => [w.name, w.limit])).toEqual([
      ["a,b", 1],
      ["c", 2],
    ]);
  });

  it("returns nothing when no header is present", () => {
    expect(parseRateLimitHeaders(h({}))).toEqual([]);
  });

  it.each([
    `"a,b";q=1, @@@, "c";q=2`,
    `;;;==,,"`,
    `"minute";r=0;t=12,`,
    `"minute";r=0;t=12, "hour`,
    `"minute";R=0`,
    `"minute";r=12345678901234567`,
    `limit=100, remaining=7,`,
    `limit=100 remaining=7`,
    `(("nested"))`,
    `"min\u00fcte";r=1`,
  ])("takes a malformed header %j as no information, without throwing", (value) => {
    expect(parseRateLimitHeaders(h({ RateLimit: value }))).toEqual([]);
    expect(parseRateLimitHeaders(h({ RateLimit: value, "RateLimit-Policy": value }))).toEqual([]);
  });

  it("keeps what a well-formed header says when the other one is malformed", () => {
    expect(parseRateLimitHeaders(h({ "RateLimit-Policy": `"minute";q=60;w=60`, RateLimit: `"minute";r=0;t=` }))).toEqual([
      { name: "minute", limit: 60, windowSeconds: 60, remaining: null, resetSeconds: null },
    ]);
    expect(parseRateLimitHeaders(h({ "RateLimit-Policy": `"minute";q=60;w=`, RateLimit: `"minute";r=3;t=12` }))).toEqual([
      { name: "minute", limit: null, windowSeconds: null, remaining: 3, resetSeconds: 12 },
    ]);
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

  it("ignores a malformed header instead of forgetting or inventing a budget", () => {
    const t = new RateLimitTracker(() => 0);
    t.observe("m", h({ RateLimit: `"minute";r=0;t=10` }));
    expect(() => t.observe("m", h({ RateLimit: `"minute";r=5;t=10, @@@` }))).not.toThrow();
    expect(t.delayFor("m")).toBe(10_000);
    t.observe("n", h({ RateLimit: `"minute";r=0;t=10,` }));
    expect(t.delayFor("n")).toBe(0);
    expect(t.snapshot().scopes.n).toBeUndefined();
  });

  it("keeps a reserve when asked", () => {
    const t = new RateLimitTracker(() => 0, 5);
    t.observe("m", h({ RateLimit: `"minute";r=5;t=10` }));
    expect(t.delayFor("m")).toBe(10_000);
  });
});
