/**
 * Contract tests: response bodies and headers RunPod itself publishes, replayed through lib/runpod's
 * client over a real socket. Every fixture names its source; where RunPod's sources disagree
 * (the /health field set), both shapes are replayed.
 *
 *   [OAS]  RunPod v2 OpenAPI, runpod/runpod-mcp tests/fixtures/v2-openapi.yaml @ 119f633
 *   [CTL-H] runpod/runpodctl internal/api/health_test.go @ b9f53431ae668edd8eb9a86980ab263dd8355ec2
 *   [CTL-E] runpod/runpodctl internal/api/endpoints_v2_test.go @ 0b716595bfd2e424249e6fa03b0802be398dc768
 *   [DOC]  docs.runpod.io /health example (only workers.idle and workers.running), docs/runpod-api.md 2.8
 */
import { describe, expect, it } from "vitest";
import { createRunpodClient } from "./client";
import { caught, fakeTime, sendJson, fakeRunpodForFile } from "./test-server";

const fake = fakeRunpodForFile();

function client() {
  const time = fakeTime();
  return createRunpodClient({ apiKey: "rpa_CONTRACT", apiBase: fake.url, restBase: fake.url, clock: time.clock, sleep: time.sleep, random: () => 0, retries: 0, maxRateLimitWaitMs: 0, timeoutMs: 2000 });
}

const PROBLEM = { "Content-Type": "application/problem+json" };

/** [OAS] RateLimit / RateLimit-Policy header examples (they come with successes too). */
const RATE_HEADERS = {
  RateLimit: '"minute";r=0;t=12, "hour";r=2800;t=1812, "day";r=49500;t=45012',
  "RateLimit-Policy": '"minute";q=60;w=60, "hour";q=3000;w=3600, "day";q=50000;w=86400',
};

/** [OAS] paths./v2/serverless/{id}/workers.get.responses.200 example "workers". */
const OAS_WORKERS = {
  endpointVersion: 4,
  summary: { running: 1, idle: 1, initializing: 0, throttled: 0, unhealthy: 0, total: 2 },
  workers: [
    {
      id: "8g3n5t6r",
      status: "RUNNING",
      isStale: false,
      version: 4,
      gpuCount: 1,
      image: "runpod/pytorch:2.8.0-py3.11-cuda12.8.1",
      uptimeSeconds: 3600,
      gpuTypeId: "NVIDIA GeForce RTX 4090",
      dataCenterId: "US-KS-2",
      startedAt: "2026-06-01T12:05:00Z",
    },
  ],
};

/** [OAS] GET /v2/serverless example (first item, abridged to the fields the poller reads; `type` QUEUE, no `version`). */
const OAS_ENDPOINT = {
  id: "4m7x2k9q",
  name: "image-generator",
  type: "QUEUE",
  requestUrls: {
    run: "https://api.runpod.ai/v2/4m7x2k9q/run",
    runSync: "https://api.runpod.ai/v2/4m7x2k9q/runsync",
    status: "https://api.runpod.ai/v2/4m7x2k9q/status/{job_id}",
    stream: "https://api.runpod.ai/v2/4m7x2k9q/stream/{job_id}",
    cancel: "https://api.runpod.ai/v2/4m7x2k9q/cancel/{job_id}",
    retry: "https://api.runpod.ai/v2/4m7x2k9q/retry/{job_id}",
    purgeQueue: "https://api.runpod.ai/v2/4m7x2k9q/purge-queue",
    health: "https://api.runpod.ai/v2/4m7x2k9q/health",
  },
  image: "runpod/pytorch:2.8.0-py3.11-cuda12.8.1",
  gpu: { pools: ["ADA_24"], count: 1 },
  workers: { min: 0, max: 5, idleTimeout: 5 },
};
/** [OAS] LoadBalancingRequestUrls examples: a LOAD_BALANCER endpoint has only base and health. */
const OAS_LB_ENDPOINT = { id: "lb7x2k9q", name: "gateway", type: "LOAD_BALANCER", requestUrls: { base: "https://4m7x2k9q.api.runpod.ai", health: "https://4m7x2k9q.api.runpod.ai/ping" }, workers: { min: 0, max: 2 } };

describe("contract: RunPod's published bodies through lib/runpod", () => {
  it("[OAS] the workers list: endpointVersion, per-worker version, summary", async () => {
    fake.handle((_req, res) => sendJson(res, 200, OAS_WORKERS, RATE_HEADERS));
    const c = client();
    const r = await c.listWorkers("4m7x2k9q");
    expect(r.endpointVersion).toBe(4);
    expect(r.summary).toEqual(OAS_WORKERS.summary);
    expect(r.summaryDerived).toBe(false);
    expect(r.workers[0]).toEqual(OAS_WORKERS.workers[0]);
    expect(fake.requests[0].path).toBe("/v2/serverless/4m7x2k9q/workers");
    // the RateLimit headers of a success are read: the poller's budget follows the reported quota
    const minute = c.rateLimitState().scopes.management.windows.find((w) => w.name === "minute");
    expect(minute).toMatchObject({ limit: 60, remaining: 0 });
  });

  it("[CTL-E] a workers list without summary or endpointVersion: summary derived, version unknown (null)", async () => {
    fake.handle((_req, res) => sendJson(res, 200, { workers: [{ id: "w-1", status: "RUNNING" }] }));
    const r = await client().listWorkers("ep-1");
    expect(r.endpointVersion).toBeNull();
    expect(r.summaryDerived).toBe(true);
    expect(r.summary).toMatchObject({ running: 1, total: 1 });
    expect(r.workers[0]).toMatchObject({ id: "w-1", status: "RUNNING", version: null, isStale: false });
  });

  it("[OAS] endpoint objects carry type (QUEUE / LOAD_BALANCER) and no version", async () => {
    fake.handle((_req, res) => sendJson(res, 200, { endpoints: [OAS_ENDPOINT, OAS_LB_ENDPOINT] }));
    const list = await client().listEndpoints();
    expect(list.map((e) => [e.id, e.type])).toEqual([
      ["4m7x2k9q", "QUEUE"],
      ["lb7x2k9q", "LOAD_BALANCER"],
    ]);
    expect(list.every((e) => !("version" in e))).toBe(true);
    expect(Object.keys(list[1].requestUrls ?? {})).toEqual(["base", "health"]);
  });

  it("[CTL-H] /health as runpodctl recorded it from production: every counter present", async () => {
    // runpodctl's comment on this body: "the live wire shape, verbatim from prod"
    fake.handle((_req, res) =>
      sendJson(res, 200, { jobs: { completed: 27, failed: 0, inProgress: 0, inQueue: 0, retried: 0 }, workers: { idle: 1, initializing: 0, ready: 1, running: 0, throttled: 0, unhealthy: 0 } }),
    );
    expect(await client().health("ep-1")).toEqual({
      jobs: { completed: 27, failed: 0, inProgress: 0, inQueue: 0, retried: 0 },
      workers: { idle: 1, initializing: 0, ready: 1, running: 0, throttled: 0, unhealthy: 0 },
    });
  });

  it("[DOC] /health as documented (workers.idle and workers.running only): the rest is null, not 0", async () => {
    fake.handle((_req, res) => sendJson(res, 200, { jobs: { completed: 1, failed: 0, inProgress: 1, inQueue: 3, retried: 0 }, workers: { idle: 0, running: 1 } }));
    const h = await client().health("ep-1");
    expect(h.workers).toEqual({ idle: 0, running: 1, initializing: null, ready: null, throttled: null, unhealthy: null });
  });

  it("[OAS] 429 TooManyRequests: problem+json with Retry-After 12 becomes rate_limited with retryAfterMs 12000", async () => {
    fake.handle((_req, res) =>
      sendJson(res, 429, { title: "Too Many Requests", status: 429, detail: "rate limit exceeded for the minute window" }, { ...PROBLEM, "Retry-After": "12", ...RATE_HEADERS }),
    );
    const e = await caught(client().listWorkers("ep-1"));
    expect(e.kind).toBe("rate_limited");
    expect(e.status).toBe(429);
    expect(e.retryAfterMs).toBe(12_000);
    expect(e.message).not.toContain("rpa_CONTRACT");
  });

  it("[OAS] 403 ForbiddenError and 404 NotFoundError problem documents", async () => {
    fake.handle((_req, res) => sendJson(res, 403, { title: "Forbidden", status: 403, detail: "access denied" }, PROBLEM));
    expect((await caught(client().listEndpoints())).kind).toBe("forbidden");
    fake.handle((_req, res) => sendJson(res, 404, { title: "Not Found", status: 404, detail: "resource not found" }, PROBLEM));
    const nf = await caught(client().listWorkers("gone"));
    expect(nf.kind).toBe("not_found");
    expect(nf.status).toBe(404);
  });

  it("[CTL-H] /health 404 for an unknown endpoint ({error} body) is not_found, so the poller marks the endpoint missing", async () => {
    fake.handle((_req, res) => sendJson(res, 404, { error: "endpoint not found" }));
    const e = await caught(client().health("ep-1"));
    expect(e.kind).toBe("not_found");
  });
});
