import { afterEach, describe, expect, it } from "vitest";
import { createCtx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import { addEndpoint, updateEndpoint } from "@/lib/endpoints/service";
import { SYSTEM_PRINCIPAL } from "@/lib/auth/principal";
import { applyWebhookUpdate, submitJob, trackJob } from "@/lib/jobs/service";
import { recordJobStatus } from "@/lib/jobs/repository";
import { countRows, setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const EP = { name: "ep", workers: { min: 1, max: 1, idleTimeout: 60 }, coldStartMs: 1_000, jobDurationMs: { min: 2_000, max: 2_000 }, behaviour: { type: "healthy" as const, failureRate: 0 } };

describe("job write API (for route handlers)", () => {
  it("submitJob rejects bad input with a clear error and writes nothing", async () => {
    env = await setupPollerTest({ endpoints: [EP] });
    await env.poller().tick();
    const deps = createCtx({ db: env.prisma, runpod: env.client });
    const before = await countRows(env.prisma, env.tag);
    await expect(submitJob({ endpointId: env.ep("ep"), input: [1, 2] }, deps)).rejects.toMatchObject({ code: "validation_failed" });
    await expect(submitJob({ endpointId: env.ep("ep"), input: { a: 1 }, webhookUrl: "ftp://x" }, deps)).rejects.toMatchObject({ code: "validation_failed" });
    await expect(submitJob({ endpointId: `${env.tag}-nope`, input: { a: 1 } }, deps)).rejects.toMatchObject({ code: "not_found" });
    expect(await countRows(env.prisma, env.tag)).toEqual(before);
    expect(env.sim.state.jobs.size).toBe(0);
  });

  it("submitJob does not retry an ambiguous failure (5xx after sending): one request, error recorded, nothing tracked", async () => {
    env = await setupPollerTest({ endpoints: [EP] });
    await env.poller().tick();
    env.sim.setFaults({ scope: "jobs", errorRate: 1 });
    const requestsBefore = env.sim.stats.requests;
    const err = await submitJob({ endpointId: env.ep("ep"), input: { x1: 1, x2: 1 } }, createCtx({ db: env.prisma, runpod: env.client })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("unavailable");
    expect((err as AppError).message).toMatch(/may or may not be queued/);
    expect(env.sim.stats.requests - requestsBefore).toBe(1);
    const errs = await env.prisma.pollError.findMany({ where: { endpointId: env.ep("ep"), operation: "submit" } });
    expect(errs).toHaveLength(1);
    expect(errs[0].message).not.toContain(env.sim.apiKey);
    expect(await env.prisma.job.count({ where: { endpointId: env.ep("ep") } })).toBe(0);
  });

  it("a webhook and a poll reporting the same change record one transition; repeats change nothing", async () => {
    env = await setupPollerTest({ endpoints: [EP] });
    await env.poller().tick();
    const at = new Date(env.sim.clock.now());
    const job = await submitJob({ endpointId: env.ep("ep"), input: { x1: 1, x2: 1 } }, createCtx({ db: env.prisma, runpod: env.client, now: () => at }));
    const doc = { id: job.id, status: "COMPLETED", delayTime: 500, executionTime: 2000, output: { loss: 1 }, workerId: "w1" };
    const later = new Date(at.getTime() + 5_000);
    const [a, b] = await Promise.all([
      applyWebhookUpdate({ jobId: job.id, statusDoc: doc }, createCtx({ db: env.prisma, now: () => later })),
      recordJobStatus({ jobId: job.id, doc, at: later, source: "poll", countPoll: true }, createCtx({ db: env.prisma })),
    ]);
    expect([a.changed, b.changed].filter(Boolean)).toHaveLength(1);
    const again = await applyWebhookUpdate({ jobId: job.id, statusDoc: doc }, createCtx({ db: env.prisma, now: () => later }));
    expect(again.changed).toBe(false);
    const row = await env.prisma.job.findUniqueOrThrow({ where: { id: job.id }, include: { transitions: { orderBy: { id: "asc" } } } });
    expect(row.transitions.map((t) => t.toStatus)).toEqual(["IN_QUEUE", "COMPLETED"]);
    expect(row).toMatchObject({ status: "COMPLETED", delayTime: 500, executionTime: 2000, workerId: "w1", nextPollAt: null });
    expect(row.startedAt?.getTime()).toBe(at.getTime() + 500);
    expect(row.finishedAt?.getTime()).toBe(at.getTime() + 2500);
    await expect(applyWebhookUpdate({ jobId: job.id, statusDoc: { status: 42 } }, createCtx({ db: env.prisma }))).rejects.toMatchObject({ code: "validation_failed" });
    await expect(applyWebhookUpdate({ jobId: `${env.tag}-unknown`, statusDoc: { ...doc, id: undefined } }, createCtx({ db: env.prisma }))).rejects.toMatchObject({ code: "not_found" });
  });

  it("trackJob adds a RunPod job by id; the poller fills in its status; paused endpoints are skipped", async () => {
    env = await setupPollerTest({ endpoints: [EP] });
    const p = env.poller();
    await p.tick();
    const run = await env.client.run(env.ep("ep"), { input: { x1: 1, x2: 1 } });
    const tracked = await trackJob({ endpointId: env.ep("ep"), jobId: run.id }, createCtx({ db: env.prisma, now: () => new Date(env!.sim.clock.now()) }));
    expect(tracked.status).toBe("UNKNOWN");
    expect(await trackJob({ endpointId: env.ep("ep"), jobId: run.id }, createCtx({ db: env.prisma }))).toMatchObject({ id: run.id });
    await expect(trackJob({ endpointId: env.ep("ep"), jobId: "bad id!" }, createCtx({ db: env.prisma }))).rejects.toMatchObject({ code: "validation_failed" });
    await env.advance(3_000);
    await p.tick();
    const row = await env.prisma.job.findUniqueOrThrow({ where: { id: run.id }, include: { transitions: true } });
    expect(row.status).not.toBe("UNKNOWN");
    expect(row.transitions[0]).toMatchObject({ fromStatus: null, source: "poll" });

    // a manual endpoint can be added and paused; paused endpoints get no polls
    const admin = createCtx({ db: env.prisma, principal: SYSTEM_PRINCIPAL });
    const manual = await addEndpoint({ id: `${env.tag}-manual`, displayName: "Manual one" }, admin);
    expect(manual).toMatchObject({ source: "manual", paused: false, displayName: "Manual one" });
    await expect(addEndpoint({ id: "bad id" }, admin)).rejects.toMatchObject({ code: "validation_failed" });
    await updateEndpoint({ id: env.ep("ep"), paused: true }, admin);
    await updateEndpoint({ id: `${env.tag}-manual`, paused: true }, admin);
    await expect(updateEndpoint({ id: `${env.tag}-missing`, paused: true }, admin)).rejects.toMatchObject({ code: "not_found" });
    await env.advance(20_000);
    const s = await p.tick();
    expect(s.endpoints).toEqual([]);
    expect(s.healthSnapshots).toBe(0);
    await p.stop();
  });
});
