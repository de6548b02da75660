import { describe, expect, it } from "vitest";
import { IngestRateLimiter } from "./rate-limit";
import { normalizeLineText } from "./normalize";
import { TRUNCATION_MARKER } from "@/lib/api/specs/ingest";

describe("IngestRateLimiter", () => {
  it("lets a burst through, then refills at the sustained rate, per key", () => {
    let t = 0;
    const l = new IngestRateLimiter({ linesPerSecond: 100, burst: 500, maxKeys: 10 }, () => t);
    expect(l.take("a", 400)).toBe(0);
    expect(l.take("a", 200)).toBe(1); // 100 left, 100 missing → 1 s
    expect(l.take("b", 500)).toBe(0); // other key, own bucket
    t = 1000;
    expect(l.take("a", 200)).toBe(0);
    expect(l.take("a", 1)).toBe(1);
    t = 60_000;
    // A batch bigger than the burst passes on a full bucket (else it never could).
    expect(l.take("a", 900)).toBe(0);
    expect(l.take("a", 1)).toBeGreaterThan(0);
  });

  it("is off at 0 lines/s and forgets the least recently used keys", () => {
    const off = new IngestRateLimiter({ linesPerSecond: 0, burst: 1, maxKeys: 1 });
    expect(off.take("a", 1e9)).toBe(0);
    const t = 0;
    const l = new IngestRateLimiter({ linesPerSecond: 1, burst: 10, maxKeys: 2 }, () => t);
    l.take("a", 10);
    l.take("b", 1);
    l.take("c", 1); // evicts "a", whose bucket was empty
    expect(l.take("a", 10)).toBe(0);
  });
});

describe("normalizeLineText", () => {
  it("keeps ordinary text, drops one trailing newline, replaces NUL", () => {
    expect(normalizeLineText("plain")).toEqual({ text: "plain", truncated: false });
    expect(normalizeLineText("line\r\n").text).toBe("line");
    expect(normalizeLineText("a\u0000b").text).toBe("a\uFFFDb");
  });

  it("truncates to the limit with a marker", () => {
    const r = normalizeLineText("x".repeat(100), 50);
    expect(r.truncated).toBe(true);
    expect(r.text).toHaveLength(50);
    expect(r.text.endsWith(TRUNCATION_MARKER)).toBe(true);
  });
});
