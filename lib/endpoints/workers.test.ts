import { describe, expect, it } from "vitest";
import { diffWorkers, type KnownWorker, type ObservedWorker } from "@/lib/endpoints/workers";

const known = (p: Partial<KnownWorker> & { id: string }): KnownWorker => ({
  status: "IDLE",
  startedAt: new Date("2026-06-01T12:00:00Z"),
  uptimeSeconds: 100,
  image: "img:1",
  version: "1",
  goneAt: null,
  restartCount: 0,
  ...p,
});
const seen = (p: Partial<ObservedWorker> & { id: string }): ObservedWorker => ({
  status: "IDLE",
  startedAt: "2026-06-01T12:00:00Z",
  uptimeSeconds: 115,
  image: "img:1",
  version: 1,
  ...p,
});

describe("diffWorkers", () => {
  it("finds nothing when the list did not change", () => {
    expect(diffWorkers([known({ id: "a" })], [seen({ id: "a" })]).events).toEqual([]);
  });
  it("records appearance, status change and disappearance", () => {
    const d = diffWorkers([known({ id: "a" }), known({ id: "b" })], [seen({ id: "a", status: "RUNNING" }), seen({ id: "c" })]);
    expect(d.events.map((e) => [e.workerId, e.kind, e.fromStatus, e.toStatus])).toEqual([
      ["a", "state_change", "IDLE", "RUNNING"],
      ["c", "appeared", null, "IDLE"],
      ["b", "gone", "IDLE", null],
    ]);
    expect(d.appeared).toEqual(["c"]);
    expect(d.gone).toEqual(["b"]);
  });
  it("counts a restart once when startedAt moves, and when uptime resets with the same startedAt", () => {
    const moved = diffWorkers([known({ id: "a" })], [seen({ id: "a", startedAt: "2026-06-01T12:05:00Z", uptimeSeconds: 3 })]);
    expect(moved.restarted).toEqual(["a"]);
    expect(moved.events.filter((e) => e.kind === "restart")).toHaveLength(1);
    const reset = diffWorkers([known({ id: "a" })], [seen({ id: "a", uptimeSeconds: 4 })]);
    expect(reset.restarted).toEqual(["a"]);
    expect(diffWorkers([known({ id: "a", startedAt: null, uptimeSeconds: null })], [seen({ id: "a", startedAt: null, uptimeSeconds: null })]).restarted).toEqual([]);
  });
  it("records image and config version changes", () => {
    const d = diffWorkers([known({ id: "a" })], [seen({ id: "a", image: "img:2", version: 2 })]);
    expect(d.events).toHaveLength(1);
    expect(d.events[0]).toMatchObject({ kind: "state_change", detail: { change: "image", fromImage: "img:1", toImage: "img:2", fromVersion: "1", toVersion: "2" } });
  });
  it("treats a gone worker listed again as appeared again", () => {
    const d = diffWorkers([known({ id: "a", goneAt: new Date() })], [seen({ id: "a" })]);
    expect(d.events.map((e) => e.kind)).toEqual(["appeared"]);
  });
});
