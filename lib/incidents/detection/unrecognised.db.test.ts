import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "@/lib/db";
import { DEFAULT_DETECTION_CONFIG } from "@/lib/incidents/detection/config";
import { detectEndpoint } from "@/lib/incidents/detection/module";
import type { VerdictDetail } from "@/lib/incidents/detection/verdicts";

let prisma: PrismaClient;
beforeAll(() => {
  prisma = createPrismaClient(process.env.DATABASE_URL!, { max: 4 });
});
afterAll(async () => {
  await prisma.$disconnect();
});

const T0 = Date.parse("2026-04-01T10:00:00Z") + Math.floor(Math.random() * 1e6) * 1000;
const at = (sec: number) => new Date(T0 + sec * 1000);
/** What the crashing worker prints: the same failure with a new request id, pid and handle on every run; no signature matches it. */
const failure = (req: string, pid: number, handle: string) =>
  `${at(0).toISOString()} ERROR [req ${req}] license check failed: server lic-4f9a2c71.internal:27000 refused checkout for seat 12 (pid ${pid}, handle ${handle})`;
const MASKED = "[req <id>] license check failed: server lic-<hex>.internal:<n> refused checkout for seat <n> (pid <n>, handle <hex>)";

let seq = 0;
async function lines(endpointId: string, workerId: string, sec: number, texts: string[]) {
  await prisma.logLine.createMany({
    data: texts.map((text, i) => ({ endpointId, workerId, source: "container" as const, ts: at(sec + i * 0.01), text, dedupeKey: `${endpointId}-${seq++}-${randomBytes(4).toString("hex")}` })),
  });
}

describe("an unknown crash still becomes a group (issue 11, item 3)", () => {
  it("groups a crash loop with an unrecognised message by its masked last error line, opens an incident titled by it and gives crash_loop", async () => {
    const tag = `u${randomBytes(4).toString("hex")}`;
    const ep = `${tag}-ep`;
    await prisma.endpoint.create({ data: { id: ep, name: `licensed ${tag}` } });
    for (const w of ["w1", "w2"]) await prisma.worker.create({ data: { endpointId: ep, id: `${tag}-${w}`, status: "UNHEALTHY", image: "acme/solver:7", firstSeenAt: at(0), lastSeenAt: at(0) } });
    await prisma.job.create({ data: { id: `${tag}-job`, endpointId: ep, status: "IN_QUEUE", submittedAt: at(1) } });
    await prisma.healthSnapshot.create({ data: { endpointId: ep, takenAt: at(150), jobsInQueue: 1, workersUnhealthy: 2, workersIdle: 0, workersRunning: 0, workersInitializing: 0, workersThrottled: 0 } });

    // w1 starts every 40 s, fails 5 s in, and RunPod restarts it (the poller records a restart per new startedAt)
    const runs = [
      failure("7d1c2f9a-0b3e-4c55-9a1e-2b8f4d6c1e07", 4121, "0x7f3a9c21"),
      failure("0a9b8c7d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", 977, "0x5511aa00"),
      failure("c0ffee00-1234-4abc-9def-00112233aabb", 31337, "0x1badb002"),
    ];
    for (const [k, line] of runs.entries()) {
      const start = k * 40;
      await lines(ep, `${tag}-w1`, start + 2, ["Starting license-gated worker v3.4.1", line, "shutting down"]);
      await prisma.workerEvent.create({
        data: { endpointId: ep, workerId: `${tag}-w1`, kind: "restart", at: at(start + 40), detail: { previousStartedAt: at(start).toISOString(), startedAt: at(start + 40).toISOString() } },
      });
    }
    // w2's wrapper reports exit code 1 after the same failure: the same group
    await lines(ep, `${tag}-w2`, 100, ["Starting license-gated worker v3.4.1", failure("5e5e5e5e-6f6f-4a7a-8b8b-9c9c9c9c9c9c", 12, "0x00c0ffee")]);
    await prisma.workerEvent.create({ data: { endpointId: ep, workerId: `${tag}-w2`, kind: "exit", exitCode: 1, at: at(101) } });

    const now = at(160 + DEFAULT_DETECTION_CONFIG.explainGraceMs / 1000);
    await detectEndpoint(prisma, ep, now, DEFAULT_DETECTION_CONFIG);

    const events = await prisma.crashEvent.findMany({ where: { endpointId: ep }, orderBy: { at: "asc" } });
    expect(events.map((e) => [e.signature, e.source, e.workerId])).toEqual([
      ["unrecognised", "restart", `${tag}-w1`],
      ["unrecognised", "restart", `${tag}-w1`],
      ["unrecognised", "restart", `${tag}-w1`],
      ["unrecognised", "exit", `${tag}-w2`],
    ]);
    expect(new Set(events.map((e) => e.fingerprint)).size).toBe(1);
    // each crash is dated by its error line and quotes it exactly
    expect(events[0].at.toISOString()).toBe(at(2.01).toISOString());
    const quoted = events[0].evidence as { text: string; match: boolean }[];
    expect(quoted.filter((l) => l.match).map((l) => l.text)).toEqual([runs[0]]);

    const groups = await prisma.crashGroup.findMany({ where: { endpointId: ep } });
    expect(groups.map((g) => [g.signature, g.title, g.count, [...g.workers].sort()])).toEqual([["unrecognised", MASKED, 4, [`${tag}-w1`, `${tag}-w2`]]]);

    const incidents = await prisma.incident.findMany({ where: { endpointId: ep } });
    expect(incidents.map((i) => [i.signature, i.title, i.state, i.crashGroupId])).toEqual([["unrecognised", MASKED, "open", groups[0].id]]);

    const job = await prisma.job.findUniqueOrThrow({ where: { id: `${tag}-job` } });
    expect([job.verdict, job.flag]).toEqual(["crash_loop", null]);
    const d = job.verdictDetail as unknown as VerdictDetail;
    expect([d.signature, d.fingerprint, d.incidentId]).toEqual(["unrecognised", groups[0].fingerprint, incidents[0].id.toString()]);
    expect(d.evidence?.map((l) => l.text)).toEqual([failure("5e5e5e5e-6f6f-4a7a-8b8b-9c9c9c9c9c9c", 12, "0x00c0ffee")]);

    // a second pass adds nothing
    await detectEndpoint(prisma, ep, new Date(now.getTime() + 5_000), DEFAULT_DETECTION_CONFIG);
    expect(await prisma.crashEvent.count({ where: { endpointId: ep } })).toBe(4);
    expect(await prisma.incident.count({ where: { endpointId: ep } })).toBe(1);
  });

  it("keeps a restart with no output at all as unknown_restart", async () => {
    const tag = `u${randomBytes(4).toString("hex")}`;
    const ep = `${tag}-ep`;
    await prisma.endpoint.create({ data: { id: ep, name: `silent ${tag}` } });
    await prisma.worker.create({ data: { endpointId: ep, id: `${tag}-w1`, status: "UNHEALTHY", image: "acme/solver:7", firstSeenAt: at(0), lastSeenAt: at(0) } });
    await prisma.workerEvent.create({ data: { endpointId: ep, workerId: `${tag}-w1`, kind: "restart", at: at(40), detail: { previousStartedAt: at(0).toISOString(), startedAt: at(40).toISOString() } } });
    await detectEndpoint(prisma, ep, at(40 + DEFAULT_DETECTION_CONFIG.explainGraceMs / 1000 + 1), DEFAULT_DETECTION_CONFIG);
    expect((await prisma.crashEvent.findMany({ where: { endpointId: ep } })).map((e) => e.signature)).toEqual(["unknown_restart"]);
  });
});
