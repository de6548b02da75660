import { describe, expect, it } from "vitest";
import { findLoopGroups, incidentMessage, notificationKey } from "@/lib/incidents/detection/incidents";
import { DEFAULT_DETECTION_CONFIG } from "@/lib/incidents/detection/config";
import { notificationBackoffMs } from "@/lib/incidents/detection/notify";
import { storedFingerprint } from "@/lib/incidents/detection/crashes";

const now = new Date("2026-06-01T12:10:00Z");
const at = (min: number) => new Date(now.getTime() - min * 60_000);
const crash = (min: number, workerId = "w1", fingerprint = "random_device:random_device could not be read", signature = "random_device" as const) => ({
  id: 1n,
  at: at(min),
  fingerprint,
  signature,
  workerId,
  evidence: [],
});

describe("findLoopGroups", () => {
  it("needs two crashes of one fingerprint inside the window (completions elsewhere do not end one worker's loop)", () => {
    const facts = (crashes: ReturnType<typeof crash>[], lastCompletedAt: Date | null = null) => ({ health: null, restarts: [], crashes, lastCompletedAt });
    expect(findLoopGroups(facts([crash(1)]), now, DEFAULT_DETECTION_CONFIG)).toEqual([]);
    expect(findLoopGroups(facts([crash(1), crash(3, "w2")]), now, DEFAULT_DETECTION_CONFIG).map((g) => [g.fingerprint, g.count, g.workers.size])).toEqual([
      ["random_device:random_device could not be read", 2, 2],
    ]);
    expect(findLoopGroups(facts([crash(1), crash(11)]), now, DEFAULT_DETECTION_CONFIG)).toEqual([]);
    expect(findLoopGroups(facts([crash(1), crash(3)], at(2)), now, DEFAULT_DETECTION_CONFIG)).toHaveLength(1);
    // a back-off loop: three crashes 12 min apart
    expect(findLoopGroups(facts([crash(1), crash(13), crash(25)]), now, DEFAULT_DETECTION_CONFIG)).toHaveLength(1);
    expect(findLoopGroups(facts([crash(1), crash(3, "w1", "segfault:x", "segfault" as never)]), now, DEFAULT_DETECTION_CONFIG)).toEqual([]);
  });
});

describe("notifications", () => {
  it("keys one message per incident, kind and regression round", () => {
    expect(notificationKey(7n, "opened", 0)).toBe("7:opened:0");
    expect(notificationKey("7", "regressed", 2)).toBe("7:regressed:2");
  });

  it("builds a Slack-compatible body with text and blocks", () => {
    const m = incidentMessage({ id: 7n, endpointId: "ep", endpointName: "tf", title: "random_device: crash loop", signature: "random_device", kind: "opened", regressionCount: 0, crashCount: 3, line: "what():  random_device could not be read", baseUrl: "https://sw.example/" });
    expect(m.text).toContain("Incident #7 opened: random_device: crash loop on tf (ep), 3 crashes. https://sw.example/incidents/7");
    expect(JSON.stringify(m.blocks)).toContain("random_device could not be read");
    expect(incidentMessage({ id: 7n, endpointId: "ep", endpointName: "tf", title: "t", signature: "s", kind: "resolved", regressionCount: 1, actor: "alice" }).text).toContain("resolved by alice");
  });

  it("backs off exponentially, capped", () => {
    expect([1, 2, 3].map((a) => notificationBackoffMs(a, 1_000, 3_000))).toEqual([1_000, 2_000, 3_000]);
  });
});

describe("storedFingerprint", () => {
  it("keeps short fingerprints and shortens long ones to 128 characters, distinctly", () => {
    expect(storedFingerprint("abort:x")).toBe("abort:x");
    const a = storedFingerprint(`python_exception:${"a".repeat(200)}`);
    const b = storedFingerprint(`python_exception:${"a".repeat(199)}b`);
    expect(a.length).toBeLessThanOrEqual(128);
    expect(a).not.toBe(b);
  });
});
