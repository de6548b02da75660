import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaClient } from "@/lib/db";
import { LoginRateLimiter } from "./rate-limit";

// Two clients stand for two web processes: the counts live in PostgreSQL, so both see them.
const a = createPrismaClient(process.env.DATABASE_URL!, { max: 2 });
const b = createPrismaClient(process.env.DATABASE_URL!, { max: 2 });
afterAll(() => Promise.all([a.$disconnect(), b.$disconnect()]));

function clock(start = Date.parse("2030-01-01T00:00:00Z")) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}
const limits = { windowMs: 60_000, perUserIp: 3, perUser: 5 };
const user = (name: string) => `${name}-${randomBytes(4).toString("hex")}`;

describe("login rate limit", () => {
  it("blocks a username+IP after N failures until the window passes", async () => {
    const c = clock();
    const l = new LoginRateLimiter(limits, c.now, { prisma: a });
    const alice = user("alice");
    for (let i = 0; i < 3; i++) {
      expect(await l.retryAfterSeconds(alice, "1.1.1.1")).toBe(0);
      await l.recordFailure(alice, "1.1.1.1");
      c.advance(1000);
    }
    expect(await l.retryAfterSeconds(alice, "1.1.1.1")).toBe(57); // the window opened at t0 and ends at t0+60s; now t0+3s
    expect(await l.retryAfterSeconds(alice.toUpperCase(), "1.1.1.1")).toBe(57);
    expect(await l.retryAfterSeconds(alice, "2.2.2.2")).toBe(0); // other IP unaffected
    expect(await l.retryAfterSeconds(user("bob"), "1.1.1.1")).toBe(0);
    c.advance(57_000);
    expect(await l.retryAfterSeconds(alice, "1.1.1.1")).toBe(0);
    // a failure after the window opens a new one
    await l.recordFailure(alice, "1.1.1.1");
    expect(await l.retryAfterSeconds(alice, "1.1.1.1")).toBe(0);
  });

  it("caps failures per username over all IPs", async () => {
    const l = new LoginRateLimiter(limits, clock().now, { prisma: a });
    const carol = user("carol");
    for (let i = 0; i < 5; i++) await l.recordFailure(carol, `10.0.0.${i}`);
    expect(await l.retryAfterSeconds(carol, "10.0.0.99")).toBeGreaterThan(0);
  });

  it("a success clears the username+IP count", async () => {
    const l = new LoginRateLimiter(limits, clock().now, { prisma: a });
    const dave = user("dave");
    await l.recordFailure(dave, "1.1.1.1");
    await l.recordFailure(dave, "1.1.1.1");
    await l.recordSuccess(dave, "1.1.1.1");
    await l.recordFailure(dave, "1.1.1.1");
    await l.recordFailure(dave, "1.1.1.1");
    expect(await l.retryAfterSeconds(dave, "1.1.1.1")).toBe(0);
  });

  it("is shared by every web process: failures spread over two processes add up, and none is lost under concurrency", async () => {
    const c = clock();
    const first = new LoginRateLimiter(limits, c.now, { prisma: a });
    const second = new LoginRateLimiter(limits, c.now, { prisma: b });
    const erin = user("erin");
    await Promise.all([first.recordFailure(erin, "1.1.1.1"), second.recordFailure(erin, "1.1.1.1"), first.recordFailure(erin, "1.1.1.1")]);
    expect(await first.retryAfterSeconds(erin, "1.1.1.1")).toBe(60);
    expect(await second.retryAfterSeconds(erin, "1.1.1.1")).toBe(60);
  });
});
