import { describe, expect, it } from "vitest";
import { VirtualClock } from "./clock";
import { rngFromState } from "@/lib/domain/prng";
import { alnum, uuid } from "./ids";

describe("VirtualClock", () => {
  it("runs due timers in time order, ties in scheduling order, and sets now() to each due time", () => {
    const c = new VirtualClock(1000);
    const seen: string[] = [];
    c.setTimer(() => seen.push(`b@${c.now()}`), 20);
    c.setTimer(() => seen.push(`a@${c.now()}`), 10);
    c.setTimer(() => seen.push(`c@${c.now()}`), 20);
    c.advance(15);
    expect(seen).toEqual(["a@1010"]);
    expect(c.now()).toBe(1015);
    c.advance(100);
    expect(seen).toEqual(["a@1010", "b@1020", "c@1020"]);
    expect(c.now()).toBe(1115);
  });

  it("runs timers scheduled by timers within the same advance, and skips cleared ones", () => {
    const c = new VirtualClock(0);
    const seen: number[] = [];
    const tick = () => {
      seen.push(c.now());
      if (seen.length < 5) c.setTimer(tick, 10);
    };
    c.setTimer(tick, 10);
    const h = c.setTimer(() => seen.push(-1), 25);
    c.clearTimer(h);
    c.advance(1000);
    expect(seen).toEqual([10, 20, 30, 40, 50]);
    expect(c.pendingTimers()).toBe(0);
    expect(c.nextTimerAt()).toBeNull();
  });

  it("refuses to go backwards", () => {
    const c = new VirtualClock(100);
    expect(() => c.advanceTo(50)).toThrow(RangeError);
    expect(() => c.advance(-1)).toThrow(RangeError);
  });
});

describe("seeded rng", () => {
  it("is reproducible and produces RunPod-shaped ids", () => {
    const a = rngFromState(5);
    const b = rngFromState(5);
    const xs = Array.from({ length: 5 }, () => uuid(a));
    expect(Array.from({ length: 5 }, () => uuid(b))).toEqual(xs);
    for (const x of xs) expect(x).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(alnum(rngFromState(5), 14)).toMatch(/^[a-z0-9]{14}$/);
    expect(uuid(rngFromState(6))).not.toBe(xs[0]);
  });
});
