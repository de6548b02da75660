import { describe, expect, it } from "vitest";
import {
  bestSoFar,
  niceTicks,
  brushValueRange,
  downsampleHistory,
  filterByBrushes,
  METRIC_AXIS,
  prepareHistory,
  prepareImportance,
  prepareParallel,
  prepareSlices,
  prepareTimeline,
  roundRangeOutward,
} from "./sweeps";

const pts = (values: number[]) => values.map((value, i) => ({ number: i + 1, value }));

describe("bestSoFar", () => {
  it("tracks the lowest value when minimising", () => {
    expect(bestSoFar(pts([5, 7, 3, 4, 1, 2]), "minimize").map((p) => p.best)).toEqual([5, 5, 3, 3, 1, 1]);
  });

  it("tracks the highest value when maximising", () => {
    expect(bestSoFar(pts([5, 7, 3, 9, 1]), "maximize").map((p) => p.best)).toEqual([5, 7, 7, 9, 9]);
  });

  it("orders by trial number and skips non-finite values", () => {
    const out = bestSoFar(
      [
        { number: 3, value: 1 },
        { number: 1, value: 4 },
        { number: 2, value: Number.NaN },
      ],
      "minimize",
    );
    expect(out.map((p) => [p.number, p.best])).toEqual([
      [1, 4],
      [3, 1],
    ]);
  });
});

describe("downsampleHistory", () => {
  const many = bestSoFar(
    Array.from({ length: 1000 }, (_, i) => ({ number: i + 1, value: Math.sin(i) * 10 + (i === 637 ? -50 : 0) })),
    "minimize",
  );

  it("returns at most maxPoints buckets that account for every trial", () => {
    const out = downsampleHistory(many, 100, "minimize");
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out.reduce((s, p) => s + p.count, 0)).toBe(1000);
    expect(out[out.length - 1].number).toBe(1000);
  });

  it("keeps the best trial's value and the min/max band of each bucket", () => {
    const out = downsampleHistory(many, 50, "minimize");
    expect(Math.min(...out.map((p) => p.value))).toBe(-50 + Math.sin(637) * 10);
    for (const p of out) expect(p.min).toBeLessThanOrEqual(p.value);
    for (const p of out) expect(p.max).toBeGreaterThanOrEqual(p.value);
  });

  it("keeps the best-so-far line monotone", () => {
    const out = downsampleHistory(many, 37, "minimize");
    for (let i = 1; i < out.length; i++) expect(out[i].best).toBeLessThanOrEqual(out[i - 1].best);
    expect(out[out.length - 1].best).toBe(many[many.length - 1].best);
  });

  it("keeps the maximum when maximising", () => {
    const up = bestSoFar(pts([1, 9, 2, 3, 4, 5]), "maximize");
    expect(downsampleHistory(up, 2, "maximize").map((p) => p.value)).toEqual([9, 5]);
  });

  it("returns short series unchanged", () => {
    const few = bestSoFar(pts([3, 2, 1]), "minimize");
    expect(downsampleHistory(few, 10, "minimize")).toEqual(few);
  });
});

describe("prepareHistory", () => {
  it("gives a padded domain, the best value and whether points are aggregated", () => {
    const h = prepareHistory(
      {
        bucketSize: 1,
        points: [
          { number: 1, value: 2, min: 2, max: 2, best: 2, count: 1 },
          { number: 2, value: 1, min: 1, max: 1, best: 1, count: 1 },
        ],
      },
      "minimize",
    );
    expect(h.best).toBe(1);
    expect(h.aggregated).toBe(false);
    expect(h.domain![0]).toBeLessThan(1);
    expect(h.domain![1]).toBeGreaterThan(2);
  });

  it("has no domain without points", () => {
    expect(prepareHistory({ bucketSize: 1, points: [] }, "maximize")).toMatchObject({ domain: null, best: null, trials: 0 });
  });
});

describe("prepareParallel", () => {
  const parallel = {
    dimensions: [
      { key: "lr", kind: "numeric" as const, min: 0.001, max: 0.1, log: true, values: null },
      { key: "opt", kind: "categorical" as const, min: null, max: null, log: false, values: ["adam", "sgd", "zz"] },
      { key: "layers", kind: "numeric" as const, min: 2, max: 6, log: false, values: null },
    ],
    rows: [
      { id: "a", number: 1, value: 0.5, params: { lr: 0.001, opt: "adam", layers: 2 } },
      { id: "b", number: 2, value: 0.1, params: { lr: 0.01, opt: "sgd", layers: 4 } },
      { id: "c", number: 3, value: 0.9, params: { lr: 0.1, opt: "zz", layers: null } },
    ],
  };

  it("normalises numeric (log and linear), categorical and metric axes to [0, 1]", () => {
    const d = prepareParallel(parallel, { name: "loss", goal: "minimize" });
    expect(d.axes.map((a) => a.key)).toEqual(["lr", "opt", "layers", METRIC_AXIS]);
    const byId = Object.fromEntries(d.lines.map((l) => [l.id, l.ys]));
    expect(byId.a[0]).toBeCloseTo(0);
    expect(byId.b[0]).toBeCloseTo(0.5); // 0.01 is halfway between 0.001 and 0.1 on a log scale
    expect(byId.c[0]).toBeCloseTo(1);
    expect([byId.a[1], byId.b[1], byId.c[1]]).toEqual([0, 0.5, 1]);
    expect(byId.b[2]).toBeCloseTo(0.5);
    expect(byId.c[2]).toBeNull();
    expect(byId.b[3]).toBeCloseTo(0);
    expect(byId.c[3]).toBeCloseTo(1);
  });

  it("orders lines worst to best and rates quality by the goal", () => {
    const min = prepareParallel(parallel, { name: "loss", goal: "minimize" });
    expect(min.lines.map((l) => l.id)).toEqual(["c", "a", "b"]);
    expect(min.lines[2].quality).toBeCloseTo(1);
    const max = prepareParallel(parallel, { name: "acc", goal: "maximize" });
    expect(max.lines.map((l) => l.id)).toEqual(["b", "a", "c"]);
  });

  it("puts single-valued axes in the middle and labels log ticks with values", () => {
    const d = prepareParallel(
      { dimensions: [{ key: "x", kind: "numeric", min: 3, max: 3, log: false, values: null }], rows: [{ id: "a", number: 1, value: 1, params: { x: 3 } }] },
      { name: "m", goal: "maximize" },
    );
    expect(d.lines[0].ys).toEqual([0.5, 0.5]);
    const lr = prepareParallel(parallel, { name: "loss", goal: "minimize" }).axes[0];
    expect(lr.ticks.map((t) => t.label)).toEqual(["0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"]);
  });

  it("filters lines by brushes on several axes, and maps brushes back to values", () => {
    const d = prepareParallel(parallel, { name: "loss", goal: "minimize" });
    expect(filterByBrushes(d.lines, {}).length).toBe(3);
    expect(filterByBrushes(d.lines, { 0: [0.4, 1] }).map((l) => l.id).sort()).toEqual(["b", "c"]);
    expect(filterByBrushes(d.lines, { 0: [1, 0.4], 2: [0, 0.6] }).map((l) => l.id)).toEqual(["b"]);
    const range = brushValueRange(d.axes[0], [0, 0.5])!;
    expect(range[0]).toBeCloseTo(0.001);
    expect(range[1]).toBeCloseTo(0.01);
    expect(brushValueRange(d.axes[1], [0, 1])).toBeNull();
  });
});

describe("prepareImportance", () => {
  it("turns shares into sorted percentages", () => {
    const bars = prepareImportance([
      { param: "b", importance: 0.25, eta2: 0.1, correlation: 0.3 },
      { param: "a", importance: 0.75, eta2: 0.3, correlation: null },
    ]);
    expect(bars.map((b) => [b.param, b.percent, b.label])).toEqual([
      ["a", 75, "75.0%"],
      ["b", 25, "25.0%"],
    ]);
  });
});

describe("prepareSlices", () => {
  const dims = [
    { key: "lr", kind: "numeric" as const, min: 0.001, max: 0.1, log: true, values: null },
    { key: "opt", kind: "categorical" as const, min: null, max: null, log: false, values: ["adam", "sgd"] },
  ];

  it("maps categorical x to indices and marks the best point per the goal", () => {
    const [lr, opt] = prepareSlices(
      [
        { param: "lr", kind: "numeric", points: [[0.001, 3], [0.1, 1], [0.01, 2]] },
        { param: "opt", kind: "categorical", points: [["sgd", 5], ["adam", 7]] },
      ],
      dims,
      "maximize",
    );
    expect(lr.log).toBe(true);
    // padded by 3% of the span on each side (on the log scale for log params)
    expect(lr.xDomain![0]).toBeCloseTo(0.001 / Math.pow(100, 0.03), 8);
    expect(lr.xDomain![1]).toBeCloseTo(0.1 * Math.pow(100, 0.03), 8);
    expect(lr.points.filter((p) => p.best)).toEqual([{ x: 0.001, y: 3, best: true }]);
    expect(opt.categories).toEqual(["adam", "sgd"]);
    expect(opt.points).toEqual([
      { x: 1, y: 5, best: false },
      { x: 0, y: 7, best: true },
    ]);
    expect(opt.xDomain).toEqual([-0.5, 1.5]);
  });

  it("thins large slices but keeps the best point", () => {
    const points: [number, number][] = Array.from({ length: 10_000 }, (_, i) => [i, i === 7777 ? -1 : i]);
    const [s] = prepareSlices([{ param: "x", kind: "numeric", points }], [], "minimize", 100);
    expect(s.points.length).toBe(100);
    expect(s.points.filter((p) => p.best)).toEqual([{ x: 7777, y: -1, best: true }]);
  });

  it("drops points with a non-finite metric", () => {
    const [s] = prepareSlices([{ param: "x", kind: "numeric", points: [[1, Number.NaN], [2, 1]] }], [], "minimize");
    expect(s.points).toEqual([{ x: 2, y: 1, best: true }]);
  });
});

describe("prepareTimeline", () => {
  const t0 = Date.parse("2026-01-01T00:00:00Z");
  const iso = (s: number) => new Date(t0 + s * 1000).toISOString();

  it("packs overlapping trials into separate lanes and reuses freed lanes", () => {
    const d = prepareTimeline(
      [
        { id: "a", number: 1, status: "completed", submittedAt: iso(0), startedAt: iso(1), finishedAt: iso(10) },
        { id: "b", number: 2, status: "failed", submittedAt: iso(0), startedAt: iso(2), finishedAt: iso(5) },
        { id: "c", number: 3, status: "completed", submittedAt: iso(5), startedAt: iso(6), finishedAt: iso(9) },
        { id: "d", number: 4, status: "running", submittedAt: iso(10), startedAt: iso(11), finishedAt: null },
      ],
      t0 + 20_000,
    );
    const lane = Object.fromEntries(d.bars.map((b) => [b.id, b.lane]));
    expect(lane).toEqual({ a: 0, b: 1, c: 1, d: 0 });
    expect(d.lanes).toBe(2);
    expect(d.maxConcurrent).toBe(2);
    expect(d.domain).toEqual([t0 + 1000, t0 + 20_000]);
    const open = d.bars.find((b) => b.id === "d")!;
    expect(open).toMatchObject({ open: true, end: t0 + 20_000, state: "running" });
    expect(d.bars.find((b) => b.id === "b")!.state).toBe("failed");
  });

  it("shows queued trials from their submission and skips trials never submitted", () => {
    const d = prepareTimeline(
      [
        { id: "q", number: 1, status: "queued", submittedAt: iso(3), startedAt: null, finishedAt: null },
        { id: "p", number: 2, status: "pending", submittedAt: null, startedAt: null, finishedAt: null },
        { id: "x", number: 3, status: "expired", submittedAt: iso(0), startedAt: null, finishedAt: iso(8) },
      ],
      t0 + 10_000,
    );
    expect(d.bars.map((b) => [b.id, b.state, b.start, b.end])).toEqual([
      ["x", "cancelled", t0, t0 + 8000],
      ["q", "queued", t0 + 3000, t0 + 10_000],
    ]);
  });

  it("is empty without items", () => {
    expect(prepareTimeline([], 0)).toEqual({ bars: [], lanes: 0, domain: null, maxConcurrent: 0 });
  });
});

describe("roundRangeOutward", () => {
  it("rounds the low end down and the high end up", () => {
    expect(roundRangeOutward([0.40321894, 100.4251])).toEqual([0.403218, 100.426]);
    expect(roundRangeOutward([-1.23456789, -0.000123456789])).toEqual([-1.23457, -0.000123456]);
    expect(roundRangeOutward([0, 5])).toEqual([0, 5]);
  });

  it("keeps values that are already short", () => {
    expect(roundRangeOutward([0.5, 2])).toEqual([0.5, 2]);
  });
});

describe("niceTicks", () => {
  it("puts ticks on round values inside the range", () => {
    expect(niceTicks(-5, 10)).toEqual([-5, 0, 5, 10]);
    expect(niceTicks(0.0123, 0.987)).toEqual([0.25, 0.5, 0.75]);
    expect(niceTicks(16, 256)).toEqual([100, 200]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});

describe("prepareHistory axis", () => {
  it("starts and ends the y axis on round, labelled values", () => {
    const d = prepareHistory({ points: [{ number: 1, value: -11.2 }, { number: 2, value: 250.3 }], bucketSize: 1 } as never, "minimize");
    expect(d.ticks.every((t) => Number.isInteger(t / 50))).toBe(true);
    expect(d.domain).toEqual([d.ticks[0], d.ticks[d.ticks.length - 1]]);
  });
});
