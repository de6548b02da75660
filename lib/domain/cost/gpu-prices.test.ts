import { describe, expect, it } from "vitest";
import { computeWaste, DEFAULT_GPU_PRICES, GpuPriceTableSchema, priceFor, type WorkerSpan } from "./gpu-prices";

const t0 = new Date("2026-12-05T10:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const span = (o: Partial<WorkerSpan>): WorkerSpan => ({ workerId: "w", gpuTypeId: "NVIDIA H100 80GB HBM3", gpuCount: 1, from: t0, to: null, crashed: true, tookJob: false, ...o });

describe("gpu prices", () => {
  it("the default table validates and maps RunPod gpuTypeIds to the published class", () => {
    expect(GpuPriceTableSchema.safeParse(DEFAULT_GPU_PRICES).success).toBe(true);
    expect(priceFor(DEFAULT_GPU_PRICES, "NVIDIA H100 80GB HBM3")?.flexPerSecond).toBe(0.00116);
    expect(priceFor(DEFAULT_GPU_PRICES, "NVIDIA GeForce RTX 4090")?.label).toMatch(/4090/);
    expect(priceFor(DEFAULT_GPU_PRICES, "NVIDIA H200")?.label).toMatch(/H200/);
    expect(priceFor(DEFAULT_GPU_PRICES, "Unknown GPU")).toBeNull();
  });

  it("counts crashed and idle-never-used workers inside the window only, and grows until the window closes", () => {
    const spans = [span({ workerId: "a" }), span({ workerId: "b", crashed: false, tookJob: true }), span({ workerId: "c", crashed: false, tookJob: false, gpuCount: 2, to: at(30) })];
    const open = computeWaste(spans, { start: at(10), end: null }, at(70), DEFAULT_GPU_PRICES);
    expect(open.running).toBe(true);
    expect(open.workers.map((w) => [w.workerId, w.gpuSeconds, w.reason])).toEqual([["a", 60, "crashed"], ["c", 40, "never_took_a_job"]]);
    expect(open.wastedGpuSeconds).toBe(100);
    expect(open.estimatedUsd).toBeCloseTo(100 * 0.00116, 9);
    const later = computeWaste(spans, { start: at(10), end: null }, at(130), DEFAULT_GPU_PRICES);
    expect(later.wastedGpuSeconds).toBe(160);
    const closed = computeWaste(spans, { start: at(10), end: at(70) }, at(500), DEFAULT_GPU_PRICES);
    expect(closed.wastedGpuSeconds).toBe(100);
    expect(closed.running).toBe(false);
  });

  it("keeps GPU time without a price out of the money and says how much", () => {
    const r = computeWaste([span({ gpuTypeId: "Mystery 9000" })], { start: t0, end: at(10) }, at(10), DEFAULT_GPU_PRICES);
    expect(r.estimatedUsd).toBe(0);
    expect(r.unpricedGpuSeconds).toBe(10);
    expect(r.workers[0].estimatedUsd).toBeNull();
  });
});
