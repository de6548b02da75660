import { afterEach, describe, expect, it } from "vitest";
import { createCtx } from "@/lib/ctx";
import { submitJob } from "@/lib/jobs/service";
import { ingestLogBatch } from "@/lib/ingest/repository";
import { getIncident } from "@/lib/incidents/repository";
import { seedDefaultCriteria } from "@/lib/criteria/repository";
import { RANDOM_DEVICE_LOOP, runFor, setupPollerTest, TEST_POLLER_CONFIG, type PollerTestEnv } from "@/lib/poller/testing";
import { createPoller } from "@/lib/poller/runner";
import { createDetectionModule } from "@/lib/incidents/detection/module";
import { createSmokeJobsModule } from "@/lib/criteria/modules";
import { UNKNOWN_LOOP } from "@/lib/domain/crash";

/**
 * Issue 13 on the simulator: silence is not recovery, a loop without logs pages, one crash is one crash,
 * and nothing is sent to an endpoint nobody opted in to smoke jobs.
 */

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});


describe("truthful detection against the simulator", () => {
  it("a crash loop whose logs never arrive opens a 'crash loop, cause unknown' incident and pages", async () => {
    env = await setupPollerTest({ endpoints: [{ ...RANDOM_DEVICE_LOOP, name: "nologs" }] });
    const e = env;
    // RunPod's log stream stays empty (and no wrapper is installed): restarts and unhealthy workers are all sweepwatch sees
    const silentLogs = { ...e.client, workerLogs: async () => ({ lines: [], lastEventId: null, endedBy: "eof" as const }) } as typeof e.client;
    const p = createPoller({
      prisma: e.prisma,
      client: silentLogs,
      clock: e.sim.clock,
      instanceId: `${e.tag}-silent`,
      config: { ...TEST_POLLER_CONFIG, workersIntervalMs: 5_000, endpointFilter: (id) => id.startsWith(`${e.tag}-`) },
      modules: [createDetectionModule()],
    });
    await p.tick();
    await submitJob({ endpointId: e.ep("nologs"), input: { x1: 1, x2: 2 } }, createCtx({ db: e.prisma, runpod: e.client, now: () => new Date(e.sim.clock.now()) }));
    await runFor(e, p, 240_000, 2_000);
    expect(await e.prisma.logLine.count({ where: { endpointId: e.ep("nologs") } })).toBe(0);
    const inc = await e.prisma.incident.findFirstOrThrow({ where: { endpointId: e.ep("nologs") } });
    expect(inc).toMatchObject({ fingerprint: UNKNOWN_LOOP, title: "Crash loop, cause unknown", state: "open" });
    const opened = await e.prisma.incidentEvent.findFirstOrThrow({ where: { incidentId: inc.id, kind: "opened" } });
    expect(JSON.stringify(opened.detail)).toMatch(/restarted|unhealthy|without a readable crash log/);
    expect(await e.prisma.notification.count({ where: { dedupeKey: `${inc.id}:opened:0` } })).toBe(1);
    const job = await e.prisma.job.findFirstOrThrow({ where: { endpointId: e.ep("nologs") } });
    expect(job.verdict).toBe("crash_loop");
    expect((job.verdictDetail as { reason: string; evidenceAt: string | null }).reason).toContain("cause unknown");
    await p.stop();
  }, 120_000);

  it("an endpoint scaled to zero mid-incident does not resolve it: the incident shows 'no data since'", async () => {
    env = await setupPollerTest({ endpoints: [{ ...RANDOM_DEVICE_LOOP, name: "scaled", timeline: [{ atMinute: 3, workers: { min: 0, max: 0 } }] }] });
    const e = env;
    const p = e.poller({ config: { workersIntervalMs: 5_000, logsIntervalMs: 5_000 }, modules: [createDetectionModule()] });
    await p.tick();
    await runFor(e, p, 150_000, 2_000);
    const inc = await e.prisma.incident.findFirstOrThrow({ where: { endpointId: e.ep("scaled"), signature: "random_device" } });
    expect(inc.state).toBe("open");
    // minute 3: max workers 0; far past the 15 min quiet period nothing proves recovery
    await runFor(e, p, 25 * 60_000, 10_000);
    const after = await e.prisma.incident.findUniqueOrThrow({ where: { id: inc.id } });
    expect(after.state).toBe("open");
    expect(await e.prisma.incidentEvent.count({ where: { incidentId: inc.id, kind: "resolved" } })).toBe(0);
    const detail = await getIncident({ id: String(inc.id) }, createCtx({ db: e.prisma }));
    expect(detail!.dataState.kind).toBe("no_data");
    expect(detail!.dataState.reason).toContain("no data since");
    await p.stop();
  }, 180_000);

  it("the same abort through the worker wrapper and RunPod's stream counts once", async () => {
    // one crash only: the worker restarts 30 min later
    env = await setupPollerTest({ endpoints: [{ ...RANDOM_DEVICE_LOOP, name: "dup", workers: { min: 1, max: 1, idleTimeout: 5 }, behaviour: { ...RANDOM_DEVICE_LOOP.behaviour, backoff: { initialMs: 30 * 60_000, factor: 2, maxMs: 30 * 60_000 } } }] });
    const e = env;
    const ep = e.ep("dup");
    const p = e.poller({ config: { workersIntervalMs: 5_000, logsIntervalMs: 5_000 }, modules: [createDetectionModule({ config: { explainGraceMs: 0 } })] });
    await p.tick();
    await submitJob({ endpointId: ep, input: { x1: 1, x2: 2 } }, createCtx({ db: e.prisma, runpod: e.client, now: () => new Date(e.sim.clock.now()) }));
    await runFor(e, p, 60_000, 2_000);
    const streamed = await e.prisma.logLine.findMany({ where: { endpointId: ep, source: "container" }, orderBy: { id: "asc" } });
    expect(streamed.some((l) => l.text.includes("random_device could not be read"))).toBe(true);
    expect(await e.prisma.crashEvent.count({ where: { endpointId: ep, live: true } })).toBe(1);
    // crash events and groups key on the deployment RunPod defines (config version, else image), not the tag text
    const first = await e.prisma.crashEvent.findFirstOrThrow({ where: { endpointId: ep }, include: { group: true } });
    expect(first.deployment).toMatch(/^(version|image):/);
    expect(first.group?.deployments).toEqual([first.deployment]);
    // the wrapper's copy of the same output, a second later, with the handler's exit
    const workerId = streamed[0].workerId!;
    await ingestLogBatch(
      {
        endpointId: ep,
        workerId,
        batchId: "wrapper-1",
        lines: streamed.filter((l) => l.workerId === workerId).map((l) => ({ ts: new Date(l.ts.getTime() + 1_000), stream: "stderr", text: l.text })),
        exit: { code: 134, signal: null, at: new Date(streamed[streamed.length - 1].ts.getTime() + 1_500) },
      },
      createCtx({ db: e.prisma, now: () => new Date(e.sim.clock.now()) }),
    );
    await runFor(e, p, 30_000, 2_000);
    expect(await e.prisma.logLine.count({ where: { endpointId: ep, source: "ingest" } })).toBeGreaterThan(0);
    expect(await e.prisma.crashEvent.count({ where: { endpointId: ep, live: true } })).toBe(1);
    expect(await e.prisma.incident.count({ where: { endpointId: ep } })).toBe(0);
    expect(await e.prisma.job.count({ where: { endpointId: ep, flag: { not: null } } })).toBe(0);
    await p.stop();
  }, 120_000);

  it("a live-mode stack with no opted-in endpoint sends no smoke job (counts /run calls)", async () => {
    env = await setupPollerTest({ endpoints: [{ name: "prod", workers: { min: 1, max: 1, idleTimeout: 60 }, coldStartMs: 1_000, behaviour: { type: "healthy" as const, failureRate: 0 } }] });
    const e = env;
    await seedDefaultCriteria({}, createCtx({ db: e.prisma }));
    const runs = () => [...e.sim.state.jobs.values()].filter((j) => j.endpointId === e.ep("prod")).length;
    const p = e.poller({ modules: [createSmokeJobsModule({ everyMs: 5_000, demo: false })] });
    await p.tick();
    await runFor(e, p, 5 * 60_000, 5_000);
    expect(await e.prisma.worker.count({ where: { endpointId: e.ep("prod") } })).toBeGreaterThan(0);
    expect(runs()).toBe(0);
    expect(await e.prisma.smokeRun.count({ where: { endpointId: e.ep("prod") } })).toBe(0);
    // opting in (input + expected output) is what makes sweepwatch send one
    await e.prisma.endpoint.update({ where: { id: e.ep("prod") }, data: { smokeOptIn: true, smokeInput: { x1: 3.14159, x2: 2.275 }, smokeExpect: { loss: { $type: "number" } } } });
    await runFor(e, p, 30_000, 5_000);
    expect(runs()).toBe(1);
    await p.stop();
  }, 120_000);
});
