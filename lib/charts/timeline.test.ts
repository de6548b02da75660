import { describe, expect, it } from "vitest";
import { downsampleMax, fitTimelineRange, incidentBands, prepareTimeline, signatureColor, type TimelineRaw } from "./timeline";

const T0 = Date.parse("2026-06-01T12:00:00Z");
const s = (sec: number) => T0 + sec * 1000;

function raw(over: Partial<TimelineRaw> = {}): TimelineRaw {
  return {
    endpointId: "ep",
    from: s(0),
    to: s(600),
    snapshots: [],
    workers: [],
    initialStatus: {},
    workerEvents: [],
    crashes: [],
    incidents: [],
    deploys: [],
    trials: [],
    ...over,
  };
}

describe("prepareTimeline", () => {
  it("builds a worker lane: status segments, crash markers coloured by signature, restarts and the back-off gap", () => {
    const t = prepareTimeline(
      raw({
        workers: [{ id: "w1", image: "img:1", firstSeenAt: s(10), goneAt: null }],
        workerEvents: [
          { workerId: "w1", kind: "appeared", toStatus: "INITIALIZING", at: s(10), startedAt: null, previousStartedAt: null },
          { workerId: "w1", kind: "state_change", toStatus: "UNHEALTHY", at: s(30), startedAt: null, previousStartedAt: null },
          { workerId: "w1", kind: "restart", toStatus: "UNHEALTHY", at: s(60), startedAt: s(55), previousStartedAt: s(10) },
        ],
        crashes: [{ id: "c1", workerId: "w1", at: s(25), signature: "random_device", title: "std::random_device could not be read", exitCode: 134 }],
      }),
    );
    expect(t.lanes).toHaveLength(1);
    const lane = t.lanes[0];
    expect(lane.segments.filter((x) => x.kind !== "backoff")).toEqual([
      { start: s(10), end: s(30), kind: "starting" },
      { start: s(30), end: s(600), kind: "unhealthy" },
    ]);
    expect(lane.segments.filter((x) => x.kind === "backoff")).toEqual([{ start: s(25), end: s(55), kind: "backoff" }]);
    expect(lane.crashes).toEqual([{ id: "c1", t: s(25), signature: "random_device", title: "std::random_device could not be read", color: signatureColor("random_device"), exitCode: 134 }]);
    expect(lane.restarts).toEqual([s(55)]);
    expect(t.signatures).toEqual([{ signature: "random_device", title: "std::random_device could not be read", color: "#dc2626", count: 1 }]);
  });

  it("starts a lane with the status the worker had before the range and ends it when the worker is gone", () => {
    const t = prepareTimeline(
      raw({
        workers: [{ id: "w1", image: null, firstSeenAt: s(-100), goneAt: s(300) }],
        initialStatus: { w1: "IDLE" },
        workerEvents: [{ workerId: "w1", kind: "state_change", toStatus: "RUNNING", at: s(100), startedAt: null, previousStartedAt: null }],
      }),
    );
    expect(t.lanes[0].segments).toEqual([
      { start: s(0), end: s(100), kind: "idle" },
      { start: s(100), end: s(300), kind: "running" },
    ]);
  });

  it("drops workers outside the range and caps the number of lanes, keeping the crashing ones", () => {
    const workers: TimelineRaw["workers"] = Array.from({ length: 5 }, (_, i) => ({ id: `w${i}`, image: null, firstSeenAt: s(i), goneAt: null }));
    workers.push({ id: "old", image: null, firstSeenAt: s(-500), goneAt: s(-10) });
    const t = prepareTimeline(raw({ workers, crashes: [{ id: "c", workerId: "w4", at: s(50), signature: "segfault", title: "Segmentation fault", exitCode: 139 }] }), { maxLanes: 2 });
    expect(t.truncated).toBe(true);
    expect(t.lanes.map((l) => l.workerId)).toContain("w4");
    expect(t.lanes).toHaveLength(2);
    expect(prepareTimeline(raw({ workers })).lanes.map((l) => l.workerId)).not.toContain("old");
  });

  it("clips deploys and trials to the range", () => {
    const t = prepareTimeline(
      raw({
        deploys: [
          { t: s(-10), image: "a", version: "1" },
          { t: s(240), image: "b", version: "2" },
        ],
        trials: [
          { id: "t1", sweepId: "sw", sweepName: "s", number: 1, start: s(-50), end: s(-1), status: "completed" },
          { id: "t2", sweepId: "sw", sweepName: "s", number: 2, start: s(100), end: null, status: "queued" },
        ],
      }),
    );
    expect(t.deploys).toEqual([{ t: s(240), image: "b", version: "2" }]);
    expect(t.trials.map((x) => x.id)).toEqual(["t2"]);
  });
});

describe("incidentBands", () => {
  it("makes one band per open period: opened → resolved, regressed → still open", () => {
    const bands = incidentBands(
      [
        {
          id: "1",
          title: "loop",
          state: "open",
          openedAt: s(10),
          resolvedAt: null,
          events: [
            { kind: "opened", at: s(10) },
            { kind: "acknowledged", at: s(20) },
            { kind: "resolved", at: s(200) },
            { kind: "regressed", at: s(400) },
          ],
        },
      ],
      s(0),
      s(600),
    );
    expect(bands).toEqual([
      { id: "1", start: s(10), end: s(200), title: "loop", state: "open" },
      { id: "1", start: s(400), end: null, title: "loop", state: "open" },
    ]);
  });

  it("leaves out periods outside the range and clips the rest", () => {
    const inc = { id: "2", title: "x", state: "resolved", openedAt: s(-300), resolvedAt: s(50), events: [{ kind: "opened", at: s(-300) }, { kind: "resolved", at: s(50) }] };
    expect(incidentBands([inc], s(0), s(600))).toEqual([{ id: "2", start: s(0), end: s(50), title: "x", state: "resolved" }]);
    expect(incidentBands([inc], s(100), s(600))).toEqual([]);
  });
});

describe("downsampleMax", () => {
  it("keeps every point when there are few, and the maximum of each bucket otherwise", () => {
    const pts = Array.from({ length: 100 }, (_, i) => ({ t: s(i), inQueue: i === 37 ? 99 : 1 }));
    expect(downsampleMax(pts, s(0), s(100), 200)).toHaveLength(100);
    const d = downsampleMax(pts, s(0), s(100), 10);
    expect(d).toHaveLength(10);
    expect(Math.max(...d.map((p) => p.inQueue))).toBe(99);
  });
});

describe("fitTimelineRange", () => {
  const base = { from: 0, to: 86_400_000, queue: [] as { t: number; inQueue: number }[], lanes: [] as never[] };
  it("starts a live window shortly before the first recorded point", () => {
    const r = fitTimelineRange({ ...base, queue: [{ t: 86_000_000, inQueue: 1 }] }, true);
    expect(r.to).toBe(86_400_000);
    expect(r.from).toBeGreaterThan(85_900_000);
    expect(r.from).toBeLessThan(86_000_000);
  });
  it("keeps a fixed window and a window without data", () => {
    expect(fitTimelineRange({ ...base, queue: [{ t: 86_000_000, inQueue: 1 }] }, false)).toEqual({ from: 0, to: 86_400_000 });
    expect(fitTimelineRange(base, true)).toEqual({ from: 0, to: 86_400_000 });
  });
});
