import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "@/lib/db";
import { createCtx } from "@/lib/ctx";
import { LoginRateLimiter } from "./rate-limit";

// Two clients stand for two web processes: the counts live in PostgreSQL, so both see them.
const a = createPrismaClient(process.env.DATABASE_URL!, { max: 2 });
const b = createPrismaClient(process.env.DATABASE_URL!, { max: 2 });
afterAll(() => Promise.all([a.$disconnect(), b.$disconnect()]));

function clock(start = Date.parse("2030-01-01T00:00:00Z")) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
const ctxOf = (db: PrismaClient, now: () => number) => createCtx({ db, now: () => new Date(now()) });
const limits = { windowMs: 60_000, perUserIp: 3, perUser: 5 };
const user = (name: string) => `${name}-${randomBytes(4).toString("hex")}`;

describe("login rate limit", () => {
  it("blocks a username+IP after N failures until the window passes", async () => {
    const c = clock();
    const l = new LoginRateLimiter(limits);
    const ctx = ctxOf(a, c.now);
    const alice = user("alice");
    for (let i = 0; i < 3; i++) {
      expect(await l.retryAfterSeconds({ username: alice, ip: "1.1.1.1" }, ctx)).toBe(0);
      await l.recordFailure({ username: alice, ip: "1.1.1.1" }, ctx);
      c.advance(1000);
    }
    expect(await l.retryAfterSeconds({ username: alice, ip: "1.1.1.1" }, ctx)).toBe(57); // the window opened at t0 and ends at t0+60s; now t0+3s
    expect(await l.retryAfterSeconds({ username: alice.toUpperCase(), ip: "1.1.1.1" }, ctx)).toBe(57);
    expect(await l.retryAfterSeconds({ username: alice, ip: "2.2.2.2" }, ctx)).toBe(0); // other IP unaffected
    expect(await l.retryAfterSeconds({ username: user("bob"), ip: "1.1.1.1" }, ctx)).toBe(0);
    c.advance(57_000);
    expect(await l.retryAfterSeconds({ username: alice, ip: "1.1.1.1" }, ctx)).toBe(0);
    // a failure after the window opens a new one
    await l.recordFailure({ username: alice, ip: "1.1.1.1" }, ctx);
    expect(await l.retryAfterSeconds({ username: alice, ip: "1.1.1.1" }, ctx)).toBe(0);
  });

  it("caps failures per username over all IPs", async () => {
    const l = new LoginRateLimiter(limits);
    const ctx = ctxOf(a, clock().now);
    const carol = user("carol");
    for (let i = 0; i < 5; i++) await l.recordFailure({ username: carol, ip: `10.0.0.${i}` }, ctx);
    expect(await l.retryAfterSeconds({ username: carol, ip: "10.0.0.99" }, ctx)).toBeGreaterThan(0);
  });

  it("a success clears the username+IP count", async () => {
    const l = new LoginRateLimiter(limits);
    const ctx = ctxOf(a, clock().now);
    const dave = { username: user("dave"), ip: "1.1.1.1" };
    await l.recordFailure(dave, ctx);
    await l.recordFailure(dave, ctx);
    await l.recordSuccess(dave, ctx);
    await l.recordFailure(dave, ctx);
    await l.recordFailure(dave, ctx);
    expect(await l.retryAfterSeconds(dave, ctx)).toBe(0);
  });

  it("is shared by every web process: failures spread over two processes add up, and none is lost under concurrency", async () => {
    const c = clock();
    const l = new LoginRateLimiter(limits);
    const first = ctxOf(a, c.now);
    const second = ctxOf(b, c.now);
    const erin = { username: user("erin"), ip: "1.1.1.1" };
    await Promise.all([l.recordFailure(erin, first), l.recordFailure(erin, second), l.recordFailure(erin, first)]);
    expect(await l.retryAfterSeconds(erin, first)).toBe(60);
    expect(await l.retryAfterSeconds(erin, second)).toBe(60);
  });
});
