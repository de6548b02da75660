import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "./index";
import { authHeaders, waitFor } from "./testing";

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

const scenario = {
  endpoints: [
    { id: "ext", behaviour: { type: "external" as const, heartbeatTimeoutMs: 30_000, forgetAfterMs: 60_000, longPollMs: 20_000 } },
    { id: "sim", workers: { min: 0, max: 1 } },
  ],
};

/** What runpod-python sends: the bare key, a form content type on a JSON body. */
async function worker(path: string, method = "GET", body?: unknown) {
  const r = await fetch(`${sim.url}${path}`, {
    method,
    headers: { Authorization: sim.apiKey, "Content-Type": "application/x-www-form-urlencoded" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}
async function client(path: string, method = "GET", body?: unknown) {
  const r = await fetch(`${sim.url}${path}`, { method, headers: authHeaders(sim), body: body === undefined ? undefined : JSON.stringify(body) });
  return (await r.json()) as Record<string, unknown>;
}

describe("worker protocol (behaviour: external)", () => {
  it("a worker takes a job, streams, reports progress and the result; it appears in the workers list", async () => {
    sim = await startSimulator({ scenario });
    const take = worker("/v2/ext/job-take/wkr0000000001a?gpu=SIM&job_in_progress=0");
    await waitFor(() => sim.state.getEndpoint("ext")!.queueWaiters.length === 1, 5000, "job-take long poll");
    const run = await client("/v2/ext/run", "POST", { input: { prompt: "hi" }, webhook: "http://127.0.0.1:9/cb" });
    const t = await take;
    expect(t).toEqual({ status: 200, json: { id: run.id, input: { prompt: "hi" }, webhook: "http://127.0.0.1:9/cb" } });
    expect(await client(`/v2/ext/status/${run.id}`)).toMatchObject({ status: "IN_PROGRESS", workerId: "wkr0000000001a", delayTime: 0 });
    const list = await client("/v2/serverless/ext/workers");
    expect(list.summary).toMatchObject({ running: 1, total: 1 });

    expect((await worker(`/v2/ext/job-stream/wkr0000000001a/${run.id}?gpu=SIM&isStream=false`, "POST", { output: "tok" })).status).toBe(200);
    expect(await client(`/v2/ext/stream/${run.id}`)).toEqual({ status: "IN_PROGRESS", stream: [{ output: "tok" }] });
    await worker(`/v2/ext/job-done/wkr0000000001a/${run.id}?gpu=SIM&isStream=false`, "POST", { status: "IN_PROGRESS", output: "50%" });
    expect(await client(`/v2/ext/status/${run.id}`)).toMatchObject({ status: "IN_PROGRESS", output: "50%" });
    sim.advance(1500);
    await worker(`/v2/ext/job-done/wkr0000000001a/${run.id}?gpu=SIM&isStream=false`, "POST", { output: { answer: 42 } });
    expect(await client(`/v2/ext/status/${run.id}`)).toMatchObject({ status: "COMPLETED", output: { answer: 42 }, executionTime: 1500 });
    expect(((await client("/v2/serverless/ext/workers")).summary as Record<string, number>).idle).toBe(1);
  });

  it("job-take answers 204 after the hold, job-take-batch returns an array", async () => {
    sim = await startSimulator({ scenario });
    const empty = worker("/v2/ext/job-take/w1?gpu=SIM&job_in_progress=0");
    await waitFor(() => sim.state.getEndpoint("ext")!.queueWaiters.length === 1, 5000, "long poll");
    sim.advance(20_000);
    expect((await empty).status).toBe(204);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await client("/v2/ext/run", "POST", { input: { i } })).id);
    const batch = await worker("/v2/ext/job-take-batch/w1?gpu=SIM&batch_size=2");
    expect((batch.json as { id: string }[]).map((j) => j.id)).toEqual(ids.slice(0, 2));
  });

  it("an error result fails the job; cancel reaches the worker through job-stop", async () => {
    sim = await startSimulator({ scenario });
    const a = await client("/v2/ext/run", "POST", { input: {} });
    const b = await client("/v2/ext/run", "POST", { input: {} });
    await worker("/v2/ext/job-take-batch/w2?batch_size=2");
    await worker(`/v2/ext/job-done/w2/${a.id}?isStream=false`, "POST", { error: "boom" });
    expect(await client(`/v2/ext/status/${a.id}`)).toMatchObject({ status: "FAILED", error: "boom" });
    const stop = worker("/v2/ext/job-stop/w2?gpu=SIM");
    await waitFor(() => sim.state.getEndpoint("ext")!.workers.get("w2")!.stopWaiters.length === 1, 5000, "job-stop poll");
    await client(`/v2/ext/cancel/${b.id}`, "POST");
    expect(await stop).toEqual({ status: 200, json: { jobsToStop: [b.id] } });
    expect((await worker(`/v2/ext/job-done/w2/${b.id}`, "POST", { output: 1 })).status).toBe(400);
  });

  it("a worker that stops pinging turns UNHEALTHY, its job is requeued, then it disappears", async () => {
    sim = await startSimulator({ scenario });
    const run = await client("/v2/ext/run", "POST", { input: {} });
    await worker("/v2/ext/job-take/w3?job_in_progress=0");
    sim.advance(20_000);
    await worker("/v2/ext/ping/w3?job_id=" + run.id + "&runpod_version=1.12.0");
    sim.advance(29_999);
    expect(((await client("/v2/serverless/ext/workers")).workers as { status: string }[])[0].status).toBe("RUNNING");
    sim.advance(1);
    expect(((await client("/v2/serverless/ext/workers")).workers as { status: string }[])[0].status).toBe("UNHEALTHY");
    expect(await client(`/v2/ext/status/${run.id}`)).toEqual({ id: run.id, status: "IN_QUEUE", retries: 1 });
    sim.advance(60_000);
    expect((await client("/v2/serverless/ext/workers")).workers).toEqual([]);
  });

  it("a failed fitness check ping marks the worker UNHEALTHY; worker routes 404 on simulated endpoints", async () => {
    sim = await startSimulator({ scenario });
    await worker("/v2/ext/ping/w4?runpod_version=1.12.0");
    await worker("/v2/ext/ping/w4?status=unhealthy&check=cuda&reason=no%20GPU");
    expect(((await client("/v2/serverless/ext/workers")).workers as { status: string }[])[0].status).toBe("UNHEALTHY");
    expect((await worker("/v2/sim/job-take/w5")).status).toBe(404);
    expect((await fetch(`${sim.url}/v2/ext/job-take/w6`)).status).toBe(401);
  });
});
