import { describe, expect, it } from "vitest";
import { dropCopies, normalizeForMatch } from "@/lib/incidents/detection/crashes";

const T = Date.parse("2026-12-05T12:00:00Z");
const row = (id: number, source: string, sec: number, text: string, stream: string | null = null) => ({ id: BigInt(id), workerId: "w1", ts: new Date(T + sec * 1000), text, source, stream });

describe("one crash is one crash: copies of a line from several sources", () => {
  it("normalises colours, time prefixes and spacing", () => {
    expect(normalizeForMatch("\u001b[31m2026-12-05T12:00:00Z  terminate   called\u001b[0m")).toBe("terminate called");
  });

  it.each([
    { name: "ingest and stream copies within the tolerance are one line", rows: [row(1, "ingest", 0, "what(): random_device"), row(2, "container", 2, "what():  random_device")], kept: [1n] },
    { name: "the same text 30 s later is a second crash", rows: [row(1, "ingest", 0, "what(): random_device"), row(2, "container", 30, "what(): random_device")], kept: [1n, 2n] },
    { name: "two lines of the same source are never merged (two crashes in a second)", rows: [row(1, "ingest", 0, "abort"), row(2, "ingest", 1, "abort")], kept: [1n, 2n] },
    { name: "an undated upload is never matched by time", rows: [row(1, "ingest", 0, "abort"), row(2, "upload", 0, "abort", "undated")], kept: [1n, 2n] },
    { name: "a dated upload of the same line is a copy", rows: [row(1, "container", 0, "abort"), row(2, "upload", 1, "abort")], kept: [1n] },
  ])("$name", ({ rows, kept }) => {
    expect(dropCopies(rows, 5_000).map((r) => r.id)).toEqual(kept);
  });
});
