import { describe, expect, it } from "vitest";
import { DEFAULT_GPU_PRICES } from "./gpu-prices";
import { budgetReached, computeTrialTime } from "./trial-time";

const t0 = new Date("2026-12-05T10:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe("computeTrialTime", () => {
  it("splits attempts into useful, wasted and running GPU time, priced at the flex rate", () => {
    const r = computeTrialTime(
      [
        { status: "completed", startedAt: at(0), finishedAt: at(100), gpuTypeId: "NVIDIA GeForce RTX 4090", gpuCount: 1 },
        { status: "failed", startedAt: at(0), finishedAt: at(30), gpuTypeId: "NVIDIA GeForce RTX 4090", gpuCount: 2 },
        { status: "running", startedAt: at(50), finishedAt: null, gpuTypeId: "NVIDIA H100 80GB HBM3", gpuCount: 1 },
        // never started (expired in the queue): no GPU time
        { status: "expired", startedAt: null, finishedAt: at(90), gpuTypeId: null, gpuCount: 1 },
        // unknown GPU type: counted in GPU time, not in money
        { status: "stopped", startedAt: at(0), finishedAt: at(10), gpuTypeId: "Mystery GPU", gpuCount: 1 },
      ],
      at(150),
      DEFAULT_GPU_PRICES,
    );
    expect(r.useful).toEqual({ gpuSeconds: 100, estimatedUsd: 0.031, unpricedGpuSeconds: 0 });
    expect(r.wasted).toEqual({ gpuSeconds: 70, estimatedUsd: 0.0186, unpricedGpuSeconds: 10 });
    expect(r.running).toEqual({ gpuSeconds: 100, estimatedUsd: 0.116, unpricedGpuSeconds: 0 });
    expect(r.total.gpuSeconds).toBe(270);
    expect(r.total.estimatedUsd).toBeCloseTo(0.1656, 6);
    expect(r.attemptsCounted).toBe(4);
  });
});

describe("budgetReached", () => {
  const spent = { gpuSeconds: 7200, estimatedUsd: 2.5, unpricedGpuSeconds: 0 };
  it("names the limit that was reached, GPU time first", () => {
    expect(budgetReached({ gpuSeconds: 3600, usd: 1 }, spent)).toBe("GPU-time budget of 1.00 GPU-h reached (2.00 GPU-h used by its trials)");
    expect(budgetReached({ gpuSeconds: null, usd: 2.5 }, spent)).toBe("money budget of $2.50 reached (about $2.50 estimated for its trials)");
  });
  it("is null under budget or without one", () => {
    expect(budgetReached({ gpuSeconds: 7201, usd: 3 }, spent)).toBeNull();
    expect(budgetReached({ gpuSeconds: null, usd: null }, spent)).toBeNull();
  });
});
