import { describe, expect, it } from "vitest";
import type { LogLine } from "@/lib/runpod/schemas";
import { nextLogCursor, resumeSince, toStoredLines } from "./log-cursor";

const line = (ts: string | null, source = "system", text = "x"): LogLine => ({ id: ts, ts, source, text, workerId: null });
const at = (iso: string) => Date.parse(iso);

describe("log resume cursor", () => {
  it("resumes from a stored timestamp; old <ts>/<seq> cursors from their ts; anything else reads the tail", () => {
    expect(resumeSince(null)).toBeNull();
    expect(resumeSince("2026-08-13T18:05:46Z")).toBe("2026-08-13T18:05:46Z");
    expect(resumeSince("2026-06-01T12:05:04Z/000000000042")).toBe("2026-06-01T12:05:04Z");
    expect(resumeSince("opaque-7")).toBeNull();
  });

  it("resumes a second before the newest line's whole second while more lines of it may come", () => {
    // the container line is newest; a system line printed after it would be stamped 12:00:08Z
    const lines = [line("2026-06-01T12:00:07Z"), line("2026-06-01T12:00:08.400000001Z", "container")];
    expect(nextLogCursor({ lines, previous: null, endedBy: "idle", readStartedAt: 0, readEndedAt: at("2026-06-01T12:00:09Z") })).toBe("2026-06-01T12:00:07Z");
    // a read cut short by its line limit resumes the same way, however old the lines
    expect(nextLogCursor({ lines, previous: null, endedBy: "limit", readStartedAt: 0, readEndedAt: at("2026-06-01T13:00:00Z") })).toBe("2026-06-01T12:00:07Z");
  });

  it("resumes right after the newest line once its second is long past and the read drained the stream", () => {
    const lines = [line("2026-06-01T12:00:08Z"), line("2026-06-01T12:00:08.400000001Z", "container")];
    expect(nextLogCursor({ lines, previous: null, endedBy: "idle", readStartedAt: 0, readEndedAt: at("2026-06-01T12:00:30Z") })).toBe("2026-06-01T12:00:08.400000001Z");
  });

  it("keeps the cursor when nothing with a timestamp came (a quiet read), and never stays in place under a flood", () => {
    expect(nextLogCursor({ lines: [], previous: "2026-06-01T12:00:07Z", endedBy: "quiet", readStartedAt: 0, readEndedAt: 0 })).toBe("2026-06-01T12:00:07Z");
    expect(nextLogCursor({ lines: [line(null)], previous: null, endedBy: "eof", readStartedAt: 0, readEndedAt: 0 })).toBeNull();
    // a worker with no line at all: later lines come after this read, so the next read resumes (short wait), not tails
    expect(nextLogCursor({ lines: [], previous: null, endedBy: "quiet", readStartedAt: at("2026-06-01T12:05:00Z"), readEndedAt: 0 })).toBe("2026-06-01T12:04:00Z");
    const flood = [line("2026-06-01T12:00:08.1Z", "container"), line("2026-06-01T12:00:08.2Z", "container")];
    expect(nextLogCursor({ lines: flood, previous: "2026-06-01T12:00:07Z", endedBy: "limit", readStartedAt: 0, readEndedAt: at("2026-06-01T12:00:09Z") })).toBe(
      "2026-06-01T12:00:08.200000000Z",
    );
  });

  it("stores the exact (ns) timestamp for the content key and the millisecond in ts", () => {
    const [row] = toStoredLines("ep", "w", [line("2026-08-13T18:06:15.101277472Z", "container", "con693 log line 14")], new Date(0));
    expect(row).toMatchObject({ source: "container", exactTs: "2026-08-13T18:06:15.101277472Z", eventId: "2026-08-13T18:06:15.101277472Z" });
    expect(row.ts.toISOString()).toBe("2026-08-13T18:06:15.101Z");
    const [noTs] = toStoredLines("ep", "w", [line(null)], new Date(5));
    expect(noTs.ts.getTime()).toBe(5);
    expect(noTs.exactTs).toBeNull();
  });
});
