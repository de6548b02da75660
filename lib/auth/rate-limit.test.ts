import { describe, expect, it } from "vitest";
import { LoginRateLimiter } from "./rate-limit";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("login rate limit", () => {
  const limits = { windowMs: 60_000, perUserIp: 3, perUser: 5, maxKeys: 100 };

  it("blocks a username+IP after N failures until the window passes", () => {
    const c = clock();
    const l = new LoginRateLimiter(limits, c.now);
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfterSeconds("alice", "1.1.1.1")).toBe(0);
      l.recordFailure("alice", "1.1.1.1");
      c.advance(1000);
    }
    expect(l.retryAfterSeconds("alice", "1.1.1.1")).toBe(57); // first failure at t0 expires at t0+60s; now t0+3s
    expect(l.retryAfterSeconds("ALICE", "1.1.1.1")).toBe(57);
    expect(l.retryAfterSeconds("alice", "2.2.2.2")).toBe(0); // other IP unaffected
    expect(l.retryAfterSeconds("bob", "1.1.1.1")).toBe(0);
    c.advance(57_000);
    expect(l.retryAfterSeconds("alice", "1.1.1.1")).toBe(0);
  });

  it("caps failures per username over all IPs", () => {
    const c = clock();
    const l = new LoginRateLimiter(limits, c.now);
    for (let i = 0; i < 5; i++) l.recordFailure("carol", `10.0.0.${i}`);
    expect(l.retryAfterSeconds("carol", "10.0.0.99")).toBeGreaterThan(0);
  });

  it("a success clears the username+IP count", () => {
    const l = new LoginRateLimiter(limits, clock().now);
    l.recordFailure("dave", "1.1.1.1");
    l.recordFailure("dave", "1.1.1.1");
    l.recordSuccess("dave", "1.1.1.1");
    l.recordFailure("dave", "1.1.1.1");
    l.recordFailure("dave", "1.1.1.1");
    expect(l.retryAfterSeconds("dave", "1.1.1.1")).toBe(0);
  });

  it("keeps memory bounded", () => {
    const l = new LoginRateLimiter({ ...limits, maxKeys: 10 }, clock().now);
    for (let i = 0; i < 1000; i++) l.recordFailure(`user${i}`, "1.1.1.1");
    expect((l as unknown as { failures: Map<string, number[]> }).failures.size).toBeLessThanOrEqual(10);
  });
});
