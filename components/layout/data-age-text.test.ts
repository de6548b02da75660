import { describe, expect, it } from "vitest";
import type { HealthDto } from "@/lib/api/specs/system";
import { describeDataAge } from "./data-age-text";

function health(poller: HealthDto["poller"], database: HealthDto["database"] = "up"): HealthDto {
  return { status: database === "up" ? "ok" : "degraded", database, mode: "demo", version: "0.1.0", poller, time: "2026-11-28T12:00:00.000Z" };
}

const base = { elapsedMs: 0, fetchFailed: false, staleAfterSeconds: 60 };

describe("describeDataAge", () => {
  it("says the poller never ran when there is no tick", () => {
    const v = describeDataAge({ ...base, health: health({ lastTickAt: null, ageSeconds: null }) });
    expect(v).toMatchObject({ tone: "never", text: "poller never ran" });
  });

  it("shows a fresh age that grows with the time since the answer", () => {
    const h = health({ lastTickAt: "2026-11-28T11:59:58.000Z", ageSeconds: 2 });
    expect(describeDataAge({ ...base, health: h }).text).toBe("updated 2 s ago");
    const later = describeDataAge({ ...base, health: h, elapsedMs: 10_500 });
    expect(later).toMatchObject({ tone: "fresh", text: "updated 12 s ago" });
  });

  it("warns once the tick is older than the threshold", () => {
    const h = health({ lastTickAt: "2026-11-28T11:55:00.000Z", ageSeconds: 300 });
    expect(describeDataAge({ ...base, health: h })).toMatchObject({ tone: "stale", text: "stale: updated 5 min ago" });
    const edge = health({ lastTickAt: "x", ageSeconds: 60 });
    expect(describeDataAge({ ...base, health: edge }).tone).toBe("fresh");
    expect(describeDataAge({ ...base, health: edge, elapsedMs: 1_000 }).tone).toBe("stale");
  });

  it("writes a long age in the UI's one duration wording", () => {
    const h = health({ lastTickAt: "2026-11-28T10:17:00.000Z", ageSeconds: 6180 });
    expect(describeDataAge({ ...base, health: h }).text).toBe("stale: updated 1 h 43 min ago");
    expect(describeDataAge({ ...base, health: h }).detail).toMatch(/^Last poller tick at 2026-11-28 10:17:00 UTC\./);
  });

  it("keeps the last good age but marks it stale when the health check fails", () => {
    const h = health({ lastTickAt: "2026-11-28T11:59:58.000Z", ageSeconds: 2 });
    expect(describeDataAge({ ...base, health: h, fetchFailed: true })).toMatchObject({ tone: "stale", text: "stale: updated 2 s ago" });
  });

  it("reports a database that is down before anything about the poller", () => {
    const h = health({ lastTickAt: null, ageSeconds: null }, "down");
    expect(describeDataAge({ ...base, health: h })).toMatchObject({ tone: "down", text: "database down" });
  });

  it("distinguishes loading from an unreachable server", () => {
    expect(describeDataAge({ ...base, health: undefined }).tone).toBe("pending");
    expect(describeDataAge({ ...base, health: undefined, fetchFailed: true })).toMatchObject({ tone: "error", text: "status unavailable" });
  });
});
