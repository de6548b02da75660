import { describe, expect, it } from "vitest";
import { parseLeadingTime, parseUploadedLog, UNDATED_STREAM } from "./upload-times";

const REF = new Date("2026-12-05T15:00:00Z");

describe("uploaded logs keep their own times", () => {
  it.each([
    { line: "2026-12-01T10:00:00.123Z terminate called", at: "2026-12-01T10:00:00.123Z", rest: "terminate called" },
    { line: "[2026-12-01 10:00:00,500] INFO start", at: "2026-12-01T10:00:00.500Z", rest: "INFO start" },
    { line: "2026-12-01 10:00:00.123456: I tensorflow/core/x.cc:1] hi", at: "2026-12-01T10:00:00.123Z", rest: "I tensorflow/core/x.cc:1] hi" },
    { line: "2026-12-01T10:00:00+02:00 x", at: "2026-12-01T08:00:00.000Z", rest: "x" },
    { line: "[1764583200.250] abort", at: "2025-12-01T10:00:00.250Z", rest: "abort" },
    { line: "Dec  1 10:00:00 host kernel: x", at: "2026-12-01T10:00:00.000Z", rest: "host kernel: x" },
    { line: "Dec 31 23:00:00 host x", at: "2025-12-31T23:00:00.000Z", rest: "host x" },
  ])("$line", ({ line, at, rest }) => {
    const r = parseLeadingTime(line, REF);
    expect(r?.ts.toISOString()).toBe(at);
    expect(r?.rest).toBe(rest);
  });

  it("continuation lines inherit the previous time; a log without any time is undated, unless the uploader gives one", () => {
    const opts = { uploadedAt: REF, maxLineChars: 1000, marker: "…" };
    const dated = parseUploadedLog("2026-12-01T10:00:00Z terminate called\n  what():  random_device could not be read\n", opts);
    expect(dated.lines.map((l) => [l.ts.toISOString(), l.stream])).toEqual([
      ["2026-12-01T10:00:00.000Z", "upload"],
      ["2026-12-01T10:00:00.000Z", "upload"],
    ]);
    const bare = parseUploadedLog("terminate called after throwing\n  what():  random_device could not be read\n", opts);
    expect(bare.undated).toBe(2);
    expect(bare.lines.every((l) => l.stream === UNDATED_STREAM)).toBe(true);
    const given = parseUploadedLog("terminate called\n", { ...opts, givenAt: new Date("2026-11-30T09:00:00Z") });
    expect(given.lines[0]).toMatchObject({ stream: "upload", ts: new Date("2026-11-30T09:00:00Z") });
  });
});
