import { afterEach, describe, expect, it } from "vitest";
import { createCtx } from "@/lib/ctx";
import { submitJob } from "@/lib/jobs/service";
import { RANDOM_DEVICE_LOOP, runFor, setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";
import { createDetectionModule, detectEndpoint } from "@/lib/incidents/detection/module";
import { DEFAULT_DETECTION_CONFIG } from "@/lib/incidents/detection/config";

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

/** The container dies before it prints anything: only RunPod's system lines show the loop. */
const SILENT_LOOP = { ...RANDOM_DEVICE_LOOP, name: "silent", behaviour: { ...RANDOM_DEVICE_LOOP.behaviour, containerOutput: false } };

describe("crash loops visible from system lines alone", () => {
  it("start/exit system lines with no container output give one crash per exit, the crash_loop verdict and an incident", async () => {
    env = await setupPollerTest({ endpoints: [SILENT_LOOP] });
    const e = env;
    const ep = e.ep("silent");
    const p = e.poller({ config: { workersIntervalMs: 5_000, logsIntervalMs: 5_000 }, modules: [createDetectionModule()] });
    await p.tick();
    const now = () => new Date(e.sim.clock.now());
    const job = await submitJob({ endpointId: ep, input: { x1: 1, x2: 2 } }, createCtx({ db: e.prisma, runpod: e.client, now: now }));
    await runFor(e, p, 90_000, 1_000);

    expect(await e.prisma.logLine.count({ where: { endpointId: ep, source: "container" } })).toBe(0);
    const row = await e.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row.status).toBe("IN_QUEUE");
    expect(row.verdict).toBe("crash_loop");
    const detail = row.verdictDetail as { signature: string; crashCount: number; incidentId?: string; evidence: { text: string }[] };
    expect(detail.signature).toBe("abort");
    expect(detail.crashCount).toBeGreaterThanOrEqual(3);
    expect(detail.incidentId).toBeTruthy();
    expect(detail.evidence.map((l) => l.text)).toContain("container exited with code 134");
    const incidents = await e.prisma.incident.findMany({ where: { endpointId: ep } });
    expect(incidents.map((i) => [i.signature, i.state])).toEqual([["abort", "open"]]);

    // one crash per exit line: the classifier's and these never both count one exit, and the restarts
    // they explain add no "restarted without a crash log" events
    const exits = await e.prisma.logLine.findMany({ where: { endpointId: ep, text: "container exited with code 134" }, select: { ts: true } });
    const crashes = await e.prisma.crashEvent.findMany({ where: { endpointId: ep }, orderBy: { at: "asc" } });
    expect(crashes.map((c) => [c.signature, c.exitCode])).toEqual(exits.map(() => ["abort", 134]));
    expect(crashes.map((c) => c.at.getTime())).toEqual(exits.map((x) => x.ts.getTime()).sort((a, b) => a - b));
    expect(new Set(crashes.map((c) => c.groupId)).size).toBe(1);

    // a second pass over everything adds nothing
    await e.prisma.appSetting.deleteMany({ where: { key: { in: [`detection.cursor.${ep}`, `detection.syscursor.${ep}`] } } });
    await detectEndpoint(e.prisma, ep, now(), DEFAULT_DETECTION_CONFIG);
    expect(await e.prisma.crashEvent.count({ where: { endpointId: ep } })).toBe(crashes.length);
    await p.stop();
  });

  it("adds nothing when the container output already explains each crash (the random_device loop)", async () => {
    env = await setupPollerTest({ endpoints: [RANDOM_DEVICE_LOOP] });
    const e = env;
    const ep = e.ep("rd");
    const p = e.poller({ config: { workersIntervalMs: 5_000, logsIntervalMs: 5_000 }, modules: [createDetectionModule()] });
    await runFor(e, p, 60_000, 1_000);
    const crashes = await e.prisma.crashEvent.findMany({ where: { endpointId: ep } });
    expect(crashes.length).toBeGreaterThanOrEqual(2);
    expect(crashes.filter((c) => c.dedupeKey.startsWith("sys:"))).toEqual([]);
    expect(new Set(crashes.map((c) => c.signature))).toEqual(new Set(["random_device"]));
    await p.stop();
  });
});
