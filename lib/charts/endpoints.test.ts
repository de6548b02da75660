import { describe, expect, it } from "vitest";
import type { SnapshotPointDto, SnapshotSeriesDto } from "@/lib/api/specs/endpoints";
import { downsampledSpans, prepareQueueDepthChart, prepareSparkline, prepareWorkerStateChart, workerStatesEmptyText } from "./endpoints";

const T0 = Date.parse("2026-06-01T12:00:00Z");

function point(i: number, over: Partial<SnapshotPointDto> = {}, stepS = 60): SnapshotPointDto {
  return {
    t: new Date(T0 + i * stepS * 1000).toISOString(),
    jobsInQueue: i,
    jobsInQueueMax: i + 1,
    jobsInProgress: 1,
    workersIdle: 0,
    workersRunning: 1,
    workersInitializing: 0,
    workersThrottled: 0,
    workersUnhealthy: 0,
    samples: 6,
    downsampled: false,
    ...over,
  };
}

function series(points: SnapshotPointDto[], stepSeconds = 60): SnapshotSeriesDto {
  return { endpointId: "e", from: new Date(T0).toISOString(), to: new Date(T0 + 3600_000).toISOString(), stepSeconds, points, downsampled: points.some((p) => p.downsampled) };
}

describe("prepareQueueDepthChart", () => {
  it("maps points to numeric rows and breaks the line over gaps longer than two windows", () => {
    const c = prepareQueueDepthChart(series([point(0), point(1), point(5), point(6)]));
    expect(c.rows.map((r) => r.inQueue)).toEqual([0, 1, null, 5, 6]);
    expect(c.rows[2].t).toBe(T0 + 2 * 60_000);
    expect(c.domain).toEqual([T0, T0 + 3600_000]);
    expect(c.isEmpty).toBe(false);
    expect(c.yMax).toBe(7);
  });

  it("reports downsampled stretches as spans and an empty range as empty", () => {
    const c = prepareQueueDepthChart(series([point(0, { downsampled: true }), point(1, { downsampled: true }), point(2), point(3, { downsampled: true })]));
    expect(c.downsampledSpans).toEqual([
      { from: T0, to: T0 + 2 * 60_000 },
      { from: T0 + 3 * 60_000, to: T0 + 4 * 60_000 },
    ]);
    const empty = prepareQueueDepthChart(series([]));
    expect(empty).toMatchObject({ isEmpty: true, rows: [], yMax: 1, downsampledSpans: [] });
  });
});

describe("prepareWorkerStateChart", () => {
  it("keeps only states that occur, and the peak of unhealthy workers", () => {
    const c = prepareWorkerStateChart(series([point(0, { workersUnhealthy: 2 }), point(1, { workersUnhealthy: 5, workersRunning: 0 })]));
    expect(c.presentKeys).toEqual(["running", "unhealthy"]);
    expect(c.maxUnhealthy).toBe(5);
    expect(c.rows.map((r) => [r.running, r.unhealthy])).toEqual([
      [1, 2],
      [0, 5],
    ]);
  });
});

describe("prepareWorkerStateChart with counters RunPod did not report", () => {
  it("lists the states never reported and has no unhealthy peak, instead of 0", () => {
    const c = prepareWorkerStateChart(series([point(0, { workersUnhealthy: null, workersThrottled: null, workersInitializing: null }), point(1, { workersUnhealthy: null, workersThrottled: null, workersInitializing: null })]));
    expect(c.notReported).toEqual(["initializing", "throttled", "unhealthy"]);
    expect(c.maxUnhealthy).toBeNull();
    expect(c.presentKeys).toEqual(["running"]);
  });
});

describe("downsampledSpans", () => {
  it("merges touching windows only", () => {
    expect(downsampledSpans([{ t: 0, downsampled: true }, { t: 10, downsampled: true }, { t: 30, downsampled: true }], 10)).toEqual([
      { from: 0, to: 20 },
      { from: 30, to: 40 },
    ]);
  });
});

describe("prepareSparkline", () => {
  const now = T0 + 3600_000;
  const opts = { now, windowMs: 3600_000, width: 120, height: 24 };
  const sp = (min: number, v: number) => ({ t: new Date(T0 + min * 60_000).toISOString(), inQueue: v });

  it("scales time across the width and depth into the height (max at the top)", () => {
    const s = prepareSparkline([sp(0, 0), sp(1, 5), sp(2, 10)], opts);
    expect(s.path).toBe("M0 23 L2 12 L4 1");
    expect(s).toMatchObject({ last: 10, max: 10, count: 3 });
    expect(s.label).toBe("queue depth over the last hour: now 10, max 10");
  });

  it("starts a new subpath after missing minutes, draws lone points, and says when there is nothing", () => {
    const s = prepareSparkline([sp(0, 2), sp(1, 2), sp(30, 2)], opts);
    expect(s.path).toBe("M0 1 L2 1 M60 1 L62 1");
    expect(prepareSparkline([], opts)).toMatchObject({ path: null, last: null, count: 0 });
    expect(prepareSparkline([sp(-120, 3)], opts).path).toBeNull();
  });

  it("keeps a flat zero line at the bottom", () => {
    expect(prepareSparkline([sp(59, 0), sp(60, 0)], opts).path).toBe("M118 23 L120 23");
  });
});

describe("workerStatesEmptyText", () => {
  it("never says 'no workers at all' when RunPod left the unhealthy and initializing counts out", () => {
    const c = prepareWorkerStateChart(series([point(0, { workersIdle: 0, workersRunning: 0, workersUnhealthy: null, workersInitializing: null, workersThrottled: null })]));
    const text = workerStatesEmptyText(c)!;
    expect(text).not.toMatch(/no workers at all/i);
    expect(text).toMatch(/does not report initializing, throttled, unhealthy workers/);
    expect(text).toMatch(/reported no running or idle workers/);
  });

  it("says 'no workers at all' only when every state was reported as 0, and nothing when some are present", () => {
    const zeros = { workersIdle: 0, workersRunning: 0, workersUnhealthy: 0, workersInitializing: 0, workersThrottled: 0 };
    expect(workerStatesEmptyText(prepareWorkerStateChart(series([point(0, zeros)])))).toMatch(/No workers at all/);
    expect(workerStatesEmptyText(prepareWorkerStateChart(series([point(0, { ...zeros, workersUnhealthy: 2 })])))).toBeNull();
    expect(workerStatesEmptyText(prepareWorkerStateChart(series([])))).toMatch(/No health snapshots/);
  });
});
