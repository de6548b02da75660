import { describe, expect, it } from "vitest";
import { normalizeLineText } from "./normalize";
import { TRUNCATION_MARKER } from "@/lib/api/specs/ingest";

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
