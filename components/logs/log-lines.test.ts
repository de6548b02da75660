import { describe, expect, it } from "vitest";
import type { LogLineDto } from "@/lib/api/specs/logs";
import { isCrashLine, mergeLogLines } from "./log-lines";

const line = (id: number, ts: string, text = `l${id}`): LogLineDto => ({ id: String(id), endpointId: "e", workerId: null, jobId: null, source: "ingest", stream: "stdout", ts, text });

describe("mergeLogLines", () => {
  it("orders oldest first by time then id, drops duplicates from pages and tail, and keeps the newest max", () => {
    const pages = [[line(5, "2026-01-01T00:00:05Z"), line(4, "2026-01-01T00:00:04Z")], [line(3, "2026-01-01T00:00:03Z")]];
    const tail = [line(5, "2026-01-01T00:00:05Z"), line(12, "2026-01-01T00:00:01Z"), line(9, "2026-01-01T00:00:05Z")];
    const all = mergeLogLines(pages, tail, 100);
    expect(all.lines.map((l) => l.id)).toEqual(["12", "3", "4", "5", "9"]);
    expect(all.dropped).toBe(0);
    const capped = mergeLogLines(pages, tail, 2);
    expect(capped.lines.map((l) => l.id)).toEqual(["5", "9"]);
    expect(capped.dropped).toBe(3);
  });

  it("spots crash signatures", () => {
    expect(isCrashLine("  what():  random_device could not be read")).toBe(true);
    expect(isCrashLine("epoch 3 loss 0.12")).toBe(false);
  });
});
