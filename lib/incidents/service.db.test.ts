import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "@/lib/db";
import type { Principal } from "@/lib/auth/principal";
import { DEFAULT_DETECTION_CONFIG } from "@/lib/incidents/detection/config";
import { detectEndpoint } from "@/lib/incidents/detection/module";
import { createCtx } from "@/lib/ctx";
import { countFlaggedJobsByEndpoint, getIncident, listFlaggedJobs, listIncidents, listOpenIncidents } from "@/lib/incidents/repository";
import { acknowledgeIncident, resolveIncident, updateIncidentNotes } from "@/lib/incidents/service";
import { listCrashes } from "@/lib/incidents/crashes";
import { getEndpointTimeline } from "@/lib/endpoints/timeline";
import { AppError } from "@/lib/http/errors";

let prisma: PrismaClient;
beforeAll(() => {
  prisma = createPrismaClient(process.env.DATABASE_URL!, { max: 4 });
});
afterAll(async () => {
  await prisma.$disconnect();
});

const T0 = Date.parse("2026-03-01T10:00:00Z") + Math.floor(Math.random() * 1e6) * 1000;
const at = (sec: number) => new Date(T0 + sec * 1000);
const ONCALL: Principal = { kind: "user", id: null, name: "alice", role: "oncall", via: "session" };
/** The feature functions' context on this test's database. */
const ctx = (parts: { now?: () => Date; principal?: Principal } = {}) => createCtx({ db: prisma, ...parts });
const ABORT = ["terminate called after throwing an instance of 'std::runtime_error'", "  what():  random_device could not be read"];

async function seedEndpoint(tag: string) {
  const endpointId = `${tag}-ep`;
  await prisma.endpoint.create({ data: { id: endpointId, name: `tf ${tag}` } });
  for (const w of ["w1", "w2"]) {
    await prisma.worker.create({ data: { endpointId, id: `${tag}-${w}`, status: "UNHEALTHY", image: "acme/tf:2.19", firstSeenAt: at(0), lastSeenAt: at(0) } });
  }
  return endpointId;
}

let seq = 0;
async function lines(endpointId: string, workerId: string, sec: number, texts: string[]) {
  await prisma.logLine.createMany({
    data: texts.map((text, i) => ({ endpointId, workerId, source: "container" as const, ts: at(sec), text, dedupeKey: `${endpointId}-${seq++}-${i}-${randomBytes(4).toString("hex")}` })),
  });
}

describe("detection on stored rows and the incident data functions", () => {
  it("keeps one crash event for a crash split across two passes, upgraded once its what() line arrives", async () => {
    const tag = `i${randomBytes(4).toString("hex")}`;
    const ep = await seedEndpoint(tag);
    await lines(ep, `${tag}-w1`, 1, ["== CUDA ==", ABORT[0]]);
    await detectEndpoint(prisma, ep, at(2), DEFAULT_DETECTION_CONFIG);
    const first = await prisma.crashEvent.findMany({ where: { endpointId: ep } });
    expect(first.map((c) => c.signature)).toEqual(["abort"]);
    await lines(ep, `${tag}-w1`, 1, [ABORT[1], "container exited with code 134"]);
    await detectEndpoint(prisma, ep, at(3), DEFAULT_DETECTION_CONFIG);
    const after = await prisma.crashEvent.findMany({ where: { endpointId: ep } });
    expect(after.map((c) => [c.id, c.signature, c.exitCode])).toEqual([[first[0].id, "random_device", 134]]);
    const groups = await prisma.crashGroup.findMany({ where: { endpointId: ep }, orderBy: { id: "asc" } });
    expect(groups.find((g) => g.signature === "random_device")?.count).toBe(1);
    expect(await prisma.incident.count({ where: { endpointId: ep } })).toBe(0); // one crash is not a loop
  });

  it("turns a restart without a crash log into an unknown_restart crash after the grace period, and not before", async () => {
    const tag = `i${randomBytes(4).toString("hex")}`;
    const ep = await seedEndpoint(tag);
    await prisma.workerEvent.create({
      data: { endpointId: ep, workerId: `${tag}-w2`, kind: "restart", at: at(100), detail: { previousStartedAt: at(0).toISOString(), startedAt: at(95).toISOString() } },
    });
    await detectEndpoint(prisma, ep, at(110), DEFAULT_DETECTION_CONFIG);
    expect(await prisma.crashEvent.count({ where: { endpointId: ep } })).toBe(0);
    await detectEndpoint(prisma, ep, at(100 + DEFAULT_DETECTION_CONFIG.explainGraceMs / 1000 + 1), DEFAULT_DETECTION_CONFIG);
    const c = await prisma.crashEvent.findMany({ where: { endpointId: ep } });
    expect(c.map((x) => [x.signature, x.source, x.at.toISOString()])).toEqual([["unknown_restart", "restart", at(95).toISOString()]]);
    // a wrapper exit with 137 and no log → oom_killed
    await prisma.workerEvent.create({ data: { endpointId: ep, workerId: `${tag}-w1`, kind: "exit", exitCode: 137, at: at(200) } });
    await detectEndpoint(prisma, ep, at(300), DEFAULT_DETECTION_CONFIG);
    expect((await prisma.crashEvent.findFirstOrThrow({ where: { endpointId: ep, source: "exit" } })).signature).toBe("oom_killed");
  });

  it("opens an incident for a crash loop, with evidence, blast radius and the runbook; ack, notes (409 on a stale version) and resolve", async () => {
    const tag = `i${randomBytes(4).toString("hex")}`;
    const ep = await seedEndpoint(tag);
    const sweep = await prisma.sweep.create({ data: { endpointId: ep, name: `sweep ${tag}`, method: "random", config: {}, metricName: "loss", metricGoal: "minimize", state: "running" } });
    const trial = await prisma.trial.create({ data: { sweepId: sweep.id, number: 1, params: { x: 1 }, idempotencyKey: `${tag}-t1`, status: "queued" } });
    await prisma.job.create({ data: { id: `${tag}-job1`, endpointId: ep, status: "IN_QUEUE", submittedAt: at(0), trialId: trial.id } });
    await prisma.job.create({ data: { id: `${tag}-job2`, endpointId: ep, status: "IN_QUEUE", submittedAt: at(5) } });
    await prisma.healthSnapshot.create({ data: { endpointId: ep, takenAt: at(10), jobsInQueue: 2, workersUnhealthy: 2 } });
    await lines(ep, `${tag}-w1`, 20, [...ABORT, "container exited with code 134"]);
    await lines(ep, `${tag}-w2`, 50, ["== CUDA ==", ...ABORT, "container exited with code 134"]);
    await detectEndpoint(prisma, ep, at(60), DEFAULT_DETECTION_CONFIG);

    const open = (await listOpenIncidents({}, ctx())).filter((i) => i.endpointId === ep);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ signature: "random_device", state: "open", crashCount: 2, flaggedJobs: 2, endpointName: `tf ${tag}` });
    const flagged = await listFlaggedJobs({ endpointId: ep }, ctx());
    expect(flagged.map((j) => [j.jobId, j.sweepName, j.incidentId])).toEqual([
      [`${tag}-job1`, `sweep ${tag}`, open[0].id],
      [`${tag}-job2`, null, open[0].id],
    ]);
    expect((await countFlaggedJobsByEndpoint({}, ctx())).find((c) => c.endpointId === ep)?.count).toBe(2);

    const d = (await getIncident({ id: open[0].id }, ctx()))!;
    expect(d.evidence.firstCrash?.evidence.filter((l) => l.match).map((l) => l.text)).toEqual([...ABORT, "container exited with code 134"]);
    expect(d.evidence.latestCrash?.workerId).toBe(`${tag}-w2`);
    expect(d.introducedImage).toBe("acme/tf:2.19");
    expect(d.blastRadius).toMatchObject({ queuedJobs: 2, flaggedJobs: 2, blockedTrials: 1, sweeps: [{ id: sweep.id, blockedTrials: 1 }] });
    expect(d.runbook.markdown).toContain("## Runbook (most to least preferred)");
    expect(d.runbook.commands.join("\n")).toContain('python -c "import tensorflow; import torch" </dev/null; echo $?');

    const acked = await acknowledgeIncident({ id: d.id }, ctx({ now: () => at(70), principal: ONCALL }));
    expect([acked.state, acked.acknowledgedBy]).toEqual(["acknowledged", "alice"]);

    const v1 = await updateIncidentNotes({ id: d.id, notes: "Tried `import torch` first.", notesVersion: 0 }, ctx({ principal: ONCALL }));
    expect(v1.notesVersion).toBe(1);
    const stale = updateIncidentNotes({ id: d.id, notes: "overwrite", notesVersion: 0 }, ctx({ principal: { ...ONCALL, name: "bob" } }));
    await expect(stale).rejects.toMatchObject({ code: "conflict" });
    await expect(stale).rejects.toThrow(/changed by alice/);
    expect((await getIncident({ id: d.id }, ctx()))!.notes).toBe("Tried `import torch` first.");

    const resolved = await resolveIncident({ id: d.id }, ctx({ now: () => at(80), principal: ONCALL }));
    expect([resolved.state, resolved.resolution, resolved.resolvedBy]).toEqual(["resolved", "manual", "alice"]);
    await expect(resolveIncident({ id: d.id }, ctx({ principal: ONCALL }))).rejects.toBeInstanceOf(AppError);
    expect(await prisma.notification.findUnique({ where: { dedupeKey: `${d.id}:resolved:0` } })).not.toBeNull();
    expect((await listIncidents({ state: ["resolved"], endpointId: ep }, ctx())).incidents.map((i) => i.id)).toEqual([d.id]);
    expect((await listIncidents({ state: ["open"], endpointId: ep }, ctx())).incidents).toEqual([]);
    await expect(acknowledgeIncident({ id: d.id }, ctx({ principal: ONCALL }))).rejects.toMatchObject({ code: "conflict" });
    await expect(getIncident({ id: "999999999999" }, ctx())).resolves.toBeNull();

    const crashes = await listCrashes({ endpointId: ep, from: at(0), to: at(60) }, ctx());
    expect(crashes.crashes.map((c) => c.workerId)).toEqual([`${tag}-w2`, `${tag}-w1`]);

    const tl = await getEndpointTimeline({ endpointId: ep, from: at(0), to: at(120) }, createCtx({ db: prisma }));
    expect(tl.lanes.map((l) => [l.workerId, l.crashes.length])).toEqual([
      [`${tag}-w1`, 1],
      [`${tag}-w2`, 1],
    ]);
    expect(tl.incidents.map((b) => b.id)).toEqual([d.id]);
    expect(tl.queue).toEqual([{ t: at(10).getTime(), inQueue: 2 }]);
  });
});
