import { describe, expect, it } from "vitest";
import { describeEndpointHealth } from "./overview";

const snapshot = (inQueue: number, idle: number | null, running: number | null) => ({
  takenAt: "2026-12-05T20:00:00Z",
  jobs: { inQueue, inProgress: 0, completed: 0, failed: 0, retried: 0 },
  workers: { idle, running, initializing: null, ready: null, throttled: null, unhealthy: null },
});

describe("describeEndpointHealth", () => {
  it("a classifier-free alert degrades the endpoint but never calls it crash-looping", () => {
    const e = { paused: false, flaggedJobs: 0, latestSnapshot: snapshot(9, 0, 0) } as Parameters<typeof describeEndpointHealth>[0];
    expect(describeEndpointHealth(e, 0, 1)).toEqual({ health: "no_workers", text: "No ready worker, jobs waiting (unhealthy workers not reported); 1 open alert" });
    const healthy = { ...e, latestSnapshot: snapshot(0, 2, 0) } as Parameters<typeof describeEndpointHealth>[0];
    expect(describeEndpointHealth(healthy, 0, 2)).toEqual({ health: "degraded", text: "2 open alerts; 2 workers ready" });
  });

  it("a crash incident is a crash loop", () => {
    const e = { paused: false, flaggedJobs: 0, latestSnapshot: snapshot(3, 0, 0) } as Parameters<typeof describeEndpointHealth>[0];
    expect(describeEndpointHealth(e, 1, 0)).toEqual({ health: "crash_looping", text: "1 open incident" });
  });
});
