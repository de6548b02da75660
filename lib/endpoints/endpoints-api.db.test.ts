/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked field by field */
/**
 * Read API of issue 4 against a real database: route handlers called with real Request
 * objects (no server), data seeded with unique ids per test.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

process.env.SWEEPWATCH_MODE = "live";

type Mod = Record<string, unknown>;
let t: typeof import("@/lib/auth/test-utils");
let prisma: import("@/lib/db").PrismaClient;
let viewer: string;
let admin: string;
let routes: Record<string, Mod>;

const uid = () => randomBytes(4).toString("hex");

async function call(mod: string, method: string, path: string, opts: { body?: unknown; params?: Record<string, string>; token?: string } = {}) {
  return t.callRoute(routes[mod], method, path, { headers: { authorization: `Bearer ${opts.token ?? viewer}` }, body: opts.body, params: opts.params });
}

beforeAll(async () => {
  const { resetEnvCache } = await import("@/lib/env");
  resetEnvCache();
  t = await import("@/lib/auth/test-utils");
  prisma = (await import("@/lib/db")).getPrisma();
  const creds = await t.createRoleCredentials();
  viewer = creds.viewer.bearer;
  admin = creds.admin.bearer;
  routes = {
    endpoints: await import("@/app/api/endpoints/route"),
    endpoint: await import("@/app/api/endpoints/[id]/route"),
    snapshots: await import("@/app/api/endpoints/[id]/snapshots/route"),
    workers: await import("@/app/api/endpoints/[id]/workers/route"),
    jobs: await import("@/app/api/jobs/route"),
    job: await import("@/app/api/jobs/[id]/route"),
    logs: await import("@/app/api/logs/route"),
    download: await import("@/app/api/logs/download/route"),
  };
}, 120_000);

afterAll(async () => {
  const { disconnectPrisma } = await import("@/lib/db");
  await disconnectPrisma();
});

async function seedEndpoint(now: Date, opts: { paused?: boolean } = {}) {
  const id = `ep-${uid()}`;
  await prisma.endpoint.create({ data: { id, name: `name ${id}`, displayName: `Display ${id}`, paused: opts.paused ?? false, lastError: "health: HTTP 503", lastErrorAt: now } });
  return id;
}

function snap(endpointId: string, takenAt: Date, inQueue: number, extra: Partial<{ unhealthy: number; running: number }> = {}) {
  return { endpointId, takenAt, jobsInQueue: inQueue, jobsInProgress: 1, workersRunning: extra.running ?? 1, workersUnhealthy: extra.unhealthy ?? 0 };
}

describe("GET /api/endpoints and /api/endpoints/{id}", () => {
  it("lists each endpoint with its latest snapshot and age, job and worker counts, paused flag, last error and sparkline", async () => {
    const now = new Date();
    const id = await seedEndpoint(now, { paused: true });
    await prisma.healthSnapshot.createMany({
      data: [snap(id, new Date(now.getTime() - 50 * 60_000), 2), snap(id, new Date(now.getTime() - 20 * 60_000), 5), snap(id, new Date(now.getTime() - 30_000), 7, { unhealthy: 2 })],
    });
    await prisma.job.createMany({
      data: [
        { id: `j-${uid()}`, endpointId: id, status: "IN_QUEUE", flag: "random_device_crash_loop" },
        { id: `j-${uid()}`, endpointId: id, status: "IN_QUEUE" },
        { id: `j-${uid()}`, endpointId: id, status: "COMPLETED" },
      ],
    });
    const t0 = new Date(now.getTime() - 3600_000);
    await prisma.worker.createMany({
      data: [
        { endpointId: id, id: `w-${uid()}`, status: "UNHEALTHY", firstSeenAt: t0, lastSeenAt: now },
        { endpointId: id, id: `w-${uid()}`, status: "UNHEALTHY", firstSeenAt: t0, lastSeenAt: now },
        { endpointId: id, id: `w-${uid()}`, status: "RUNNING", firstSeenAt: t0, lastSeenAt: now, goneAt: now },
      ],
    });

    const r = await call("endpoints", "GET", "/api/endpoints");
    expect(r.status).toBe(200);
    const e = (r.json.endpoints as any[]).find((x) => x.id === id);
    expect(e).toMatchObject({
      id,
      displayName: `Display ${id}`,
      paused: true,
      lastError: "health: HTTP 503",
      jobCounts: { IN_QUEUE: 2, COMPLETED: 1 },
      workerCounts: { UNHEALTHY: 2 },
      flaggedJobs: 1,
    });
    expect(e.latestSnapshot.jobs.inQueue).toBe(7);
    expect(e.latestSnapshot.workers.unhealthy).toBe(2);
    expect(e.snapshotAgeSeconds).toBeGreaterThanOrEqual(29);
    expect(e.snapshotAgeSeconds).toBeLessThan(120);
    expect(e.queueSparkline.map((p: any) => p.inQueue)).toEqual([2, 5, 7]);

    const d = await call("endpoint", "GET", `/api/endpoints/${id}`, { params: { id } });
    expect(d.status).toBe(200);
    expect(d.json.endpoint).toMatchObject({ id, paused: true, jobCounts: { IN_QUEUE: 2 } });
    const missing = await call("endpoint", "GET", "/api/endpoints/nope", { params: { id: `nope-${uid()}` } });
    expect(missing.status).toBe(404);
  });

  it("an endpoint without snapshots has null snapshot and age, empty counts", async () => {
    const id = await seedEndpoint(new Date());
    const r = await call("endpoints", "GET", "/api/endpoints");
    const e = (r.json.endpoints as any[]).find((x) => x.id === id);
    expect(e).toMatchObject({ latestSnapshot: null, snapshotAgeSeconds: null, jobCounts: {}, workerCounts: {}, queueSparkline: [] });
  });

  it("POST adds by hand (admin only), PATCH pauses and renames; bad input changes nothing", async () => {
    const id = `man-${uid()}`;
    const forbidden = await call("endpoints", "POST", "/api/endpoints", { body: { id, displayName: "x" } });
    expect(forbidden.status).toBe(403);
    const bad = await call("endpoints", "POST", "/api/endpoints", { body: { id: "has space", displayName: "x" }, token: admin });
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues[0].path).toBe("body.id");
    const r = await call("endpoints", "POST", "/api/endpoints", { body: { id, displayName: "Manual one" }, token: admin });
    expect(r.status).toBe(201);
    expect(r.json.endpoint).toMatchObject({ id, displayName: "Manual one", source: "manual", paused: false });
    const p = await call("endpoint", "PATCH", `/api/endpoints/${id}`, { params: { id }, body: { paused: true, displayName: "Renamed" }, token: admin });
    expect(p.status).toBe(200);
    expect(p.json.endpoint).toMatchObject({ paused: true, displayName: "Renamed" });
    const empty = await call("endpoint", "PATCH", `/api/endpoints/${id}`, { params: { id }, body: {}, token: admin });
    expect(empty.status).toBe(422);
    const unknown = await call("endpoint", "PATCH", "/api/endpoints/x", { params: { id: `nope-${uid()}` }, body: { paused: true }, token: admin });
    expect(unknown.status).toBe(404);
    const audit = await prisma.auditLog.findMany({ where: { targetId: id }, select: { action: true } });
    expect(audit.map((a) => a.action).sort()).toEqual(["endpoint.add", "endpoint.pause"]);
  });
});

describe("GET /api/endpoints/{id}/snapshots", () => {
  it("averages raw snapshots into at most `points` windows and marks bucketed (downsampled) ranges", async () => {
    const to = new Date(Date.UTC(2026, 5, 1, 12, 0, 0));
    const from = new Date(to.getTime() - 2 * 3600_000);
    const id = await seedEndpoint(to);
    // Last hour raw, every 10 s: queue = minute index within the hour.
    const raw = [];
    for (let s = 0; s < 3600; s += 10) raw.push(snap(id, new Date(to.getTime() - 3600_000 + s * 1000), Math.floor(s / 60), { unhealthy: s === 1200 ? 3 : 0 }));
    await prisma.healthSnapshot.createMany({ data: raw });
    // The hour before: only 1-minute buckets (raw already downsampled by retention).
    const buckets = [];
    for (let m = 0; m < 60; m++)
      buckets.push({ endpointId: id, bucketStart: new Date(from.getTime() + m * 60_000), resolutionSec: 60, count: 6, avgJobsInQueue: 100, maxJobsInQueue: 120, maxWorkersUnhealthy: 1 });
    await prisma.healthSnapshotBucket.createMany({ data: buckets });

    const r = await call("snapshots", "GET", `/api/endpoints/${id}/snapshots?from=${from.toISOString()}&to=${to.toISOString()}&points=12`, { params: { id } });
    expect(r.status).toBe(200);
    const pts = r.json.points as any[];
    expect(r.json.stepSeconds).toBe(600);
    expect(pts.length).toBeLessThanOrEqual(13);
    expect(pts.length).toBeGreaterThanOrEqual(12);
    expect(r.json.downsampled).toBe(true);
    const old = pts.filter((p) => Date.parse(p.t) < to.getTime() - 3600_000);
    const recent = pts.filter((p) => Date.parse(p.t) >= to.getTime() - 3600_000);
    expect(old.length).toBe(6);
    expect(old.every((p) => p.downsampled && p.jobsInQueue === 100 && p.jobsInQueueMax === 120 && p.workersUnhealthy === 1 && p.samples === 60)).toBe(true);
    expect(recent.every((p) => !p.downsampled)).toBe(true);
    // First raw window: minutes 0..9 → average 4.5; the one crash-looping sample is kept as a max.
    expect(recent[0].jobsInQueue).toBe(4.5);
    expect(recent[0].samples).toBe(60);
    expect(recent.find((p) => p.workersUnhealthy === 3)).toBeTruthy();
    // Sorted by time.
    expect(pts.map((p) => p.t)).toEqual([...pts.map((p) => p.t)].sort());
  });

  it("rejects a bad query and answers 404 for an unknown endpoint", async () => {
    const id = await seedEndpoint(new Date());
    expect((await call("snapshots", "GET", `/api/endpoints/${id}/snapshots?points=1`, { params: { id } })).status).toBe(422);
    expect((await call("snapshots", "GET", `/api/endpoints/${id}/snapshots?from=yesterday`, { params: { id } })).status).toBe(422);
    expect((await call("snapshots", "GET", `/api/endpoints/x/snapshots`, { params: { id: `nope-${uid()}` } })).status).toBe(404);
  });
});

describe("GET /api/endpoints/{id}/workers", () => {
  it("lists current workers first with restarts, last exit (from the wrapper's exit event), image and start", async () => {
    const now = new Date();
    const id = await seedEndpoint(now);
    const w1 = `w-${uid()}`;
    const w2 = `w-${uid()}`;
    await prisma.worker.createMany({
      data: [
        { endpointId: id, id: w1, status: "UNHEALTHY", image: "acme/tf:1", startedAt: new Date(now.getTime() - 60_000), restartCount: 4, lastRestartAt: new Date(now.getTime() - 60_000), firstSeenAt: now, lastSeenAt: now },
        { endpointId: id, id: w2, status: "IDLE", firstSeenAt: now, lastSeenAt: now, goneAt: now },
      ],
    });
    await prisma.workerEvent.createMany({
      data: [
        { endpointId: id, workerId: w1, kind: "exit", exitCode: 134, at: new Date(now.getTime() - 120_000) },
        { endpointId: id, workerId: w1, kind: "exit", signal: "SIGABRT", at: new Date(now.getTime() - 30_000) },
      ],
    });
    await prisma.logLine.create({ data: { endpointId: id, workerId: w1, source: "system", ts: now, text: "boot", dedupeKey: `k-${uid()}` } });
    const r = await call("workers", "GET", `/api/endpoints/${id}/workers`, { params: { id } });
    expect(r.status).toBe(200);
    const ws = r.json.workers as any[];
    expect(ws.map((w) => w.id)).toEqual([w1, w2]);
    expect(ws[0]).toMatchObject({ status: "UNHEALTHY", restartCount: 4, image: "acme/tf:1", hasLogs: true, lastExit: { exitCode: null, signal: "SIGABRT" } });
    expect(ws[1]).toMatchObject({ hasLogs: false, lastExit: null });
    expect(ws[1].goneAt).not.toBeNull();
  });

  it("takes the last exit from a crash event when RunPod's own logs carried the exit code", async () => {
    const now = new Date();
    const id = await seedEndpoint(now);
    const w = `w-${uid()}`;
    await prisma.worker.create({ data: { endpointId: id, id: w, status: "UNHEALTHY", firstSeenAt: now, lastSeenAt: now } });
    await prisma.workerEvent.create({ data: { endpointId: id, workerId: w, kind: "exit", exitCode: 1, at: new Date(now.getTime() - 60_000) } });
    await prisma.crashEvent.create({
      data: { endpointId: id, workerId: w, at: new Date(now.getTime() - 5_000), signature: "random_device", fingerprint: "random_device:x", title: "random_device", exitCode: 134, source: "log", dedupeKey: `c-${uid()}` },
    });
    const r = await call("workers", "GET", `/api/endpoints/${id}/workers`, { params: { id } });
    expect((r.json.workers as { lastExit: unknown }[])[0].lastExit).toMatchObject({ exitCode: 134, signal: null });
  });
});

describe("GET /api/jobs and /api/jobs/{id}", () => {
  it("filters by endpoint and status, paginates with a cursor, carries history, verdict and flag", async () => {
    const id = await seedEndpoint(new Date());
    const base = Date.now() - 1000_000;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const jid = `job-${uid()}-${i}`;
      ids.push(jid);
      await prisma.job.create({
        data: {
          id: jid,
          endpointId: id,
          status: i % 2 ? "IN_QUEUE" : "COMPLETED",
          createdAt: new Date(base + i * 1000),
          verdict: i === 1 ? "random_device_crash_loop" : null,
          flag: i === 1 ? "random_device_crash_loop" : null,
          transitions: {
            create:
              i % 2
                ? [{ fromStatus: null, toStatus: "IN_QUEUE", source: "submit", at: new Date(base + i * 1000) }]
                : [
                    { fromStatus: null, toStatus: "IN_QUEUE", source: "submit", at: new Date(base + i * 1000) },
                    { fromStatus: "IN_QUEUE", toStatus: "IN_PROGRESS", source: "poll", at: new Date(base + i * 1000 + 100) },
                    { fromStatus: "IN_PROGRESS", toStatus: "COMPLETED", source: "webhook", at: new Date(base + i * 1000 + 200) },
                  ],
          },
        },
      });
    }
    const p1 = await call("jobs", "GET", `/api/jobs?endpointId=${id}&limit=3`);
    expect(p1.status).toBe(200);
    expect(p1.json.jobs.map((j: any) => j.id)).toEqual([ids[6], ids[5], ids[4]]);
    const p2 = await call("jobs", "GET", `/api/jobs?endpointId=${id}&limit=3&cursor=${p1.json.nextCursor}`);
    const p3 = await call("jobs", "GET", `/api/jobs?endpointId=${id}&limit=3&cursor=${p2.json.nextCursor}`);
    expect(p2.json.jobs.map((j: any) => j.id)).toEqual([ids[3], ids[2], ids[1]]);
    expect(p3.json.jobs.map((j: any) => j.id)).toEqual([ids[0]]);
    expect(p3.json.nextCursor).toBeNull();

    const done = p1.json.jobs[0];
    expect(done.history.map((h: any) => `${h.from}>${h.to}:${h.source}`)).toEqual(["null>IN_QUEUE:submit", "IN_QUEUE>IN_PROGRESS:poll", "IN_PROGRESS>COMPLETED:webhook"]);
    expect(done).toMatchObject({ verdict: null, flag: null });

    const queued = await call("jobs", "GET", `/api/jobs?endpointId=${id}&status=in_queue`);
    expect(queued.json.jobs.map((j: any) => j.id)).toEqual([ids[5], ids[3], ids[1]]);
    expect(queued.json.jobs[2]).toMatchObject({ verdict: "random_device_crash_loop", flag: "random_device_crash_loop" });
    const both = await call("jobs", "GET", `/api/jobs?endpointId=${id}&status=IN_QUEUE,COMPLETED&limit=200`);
    expect(both.json.jobs).toHaveLength(7);
    const flagged = await call("jobs", "GET", `/api/jobs?endpointId=${id}&flagged=true`);
    expect(flagged.json.jobs.map((j: any) => j.id)).toEqual([ids[1]]);

    expect((await call("jobs", "GET", `/api/jobs?cursor=garbage`)).status).toBe(422);
    expect((await call("jobs", "GET", `/api/jobs?limit=0`)).status).toBe(422);
    expect((await call("jobs", "GET", `/api/jobs?status=drop%20table`)).status).toBe(422);

    const one = await call("job", "GET", `/api/jobs/${ids[0]}`, { params: { id: ids[0] } });
    expect(one.status).toBe(200);
    expect(one.json.job).toMatchObject({ id: ids[0], status: "COMPLETED", input: null, output: null });
    expect(one.json.job.history).toHaveLength(3);
    expect((await call("job", "GET", `/api/jobs/x`, { params: { id: `nope-${uid()}` } })).status).toBe(404);
  });
});

describe("GET /api/logs and /api/logs/download", () => {
  it("filters by worker, job and text (with % taken literally), pages older, tails newer by id", async () => {
    const id = await seedEndpoint(new Date());
    const w = `w-${uid()}`;
    const base = Date.now() - 600_000;
    const data = Array.from({ length: 25 }, (_, i) => ({
      endpointId: id,
      workerId: i % 5 === 0 ? null : w,
      jobId: i === 3 ? "job-x" : null,
      source: "container" as const,
      stream: "stderr",
      ts: new Date(base + i * 1000),
      text: i === 7 ? "terminate called: what(): random_device could not be read" : i === 8 ? "progress 100% done <b>bold</b>" : `line ${i}`,
      dedupeKey: `k-${uid()}-${i}`,
    }));
    await prisma.logLine.createMany({ data });

    const all = await call("logs", "GET", `/api/logs?endpointId=${id}&limit=10`);
    expect(all.status).toBe(200);
    expect(all.json.lines).toHaveLength(10);
    expect(all.json.lines[0].text).toBe("line 24");
    const older = await call("logs", "GET", `/api/logs?endpointId=${id}&limit=10&cursor=${all.json.nextCursor}`);
    expect(older.json.lines[0].text).toBe("line 14");

    const byWorker = await call("logs", "GET", `/api/logs?endpointId=${id}&workerId=${w}&limit=100`);
    expect(byWorker.json.lines).toHaveLength(20);
    const byJob = await call("logs", "GET", `/api/logs?endpointId=${id}&jobId=job-x`);
    expect(byJob.json.lines.map((l: any) => l.text)).toEqual(["line 3"]);
    const q = await call("logs", "GET", `/api/logs?endpointId=${id}&q=RANDOM_DEVICE`);
    expect(q.json.lines.map((l: any) => l.text)).toEqual([data[7].text]);
    const pct = await call("logs", "GET", `/api/logs?endpointId=${id}&q=${encodeURIComponent("100%")}`);
    expect(pct.json.lines).toHaveLength(1);
    const noWildcard = await call("logs", "GET", `/api/logs?endpointId=${id}&q=${encodeURIComponent("l%e")}`);
    expect(noWildcard.json.lines).toHaveLength(0);
    // Text comes back verbatim (the UI renders it as text).
    expect(pct.json.lines[0].text).toBe("progress 100% done <b>bold</b>");

    const tailStart = all.json.maxId as string;
    await prisma.logLine.create({ data: { endpointId: id, workerId: w, source: "ingest", ts: new Date(base - 60_000), text: "late line with an old timestamp", dedupeKey: `k-${uid()}` } });
    const tail = await call("logs", "GET", `/api/logs?endpointId=${id}&afterId=${tailStart}`);
    expect(tail.json.lines.map((l: any) => l.text)).toEqual(["late line with an old timestamp"]);
    const tail2 = await call("logs", "GET", `/api/logs?endpointId=${id}&afterId=${tail.json.maxId}`);
    expect(tail2.json.lines).toEqual([]);

    const dl = await call("download", "GET", `/api/logs/download?endpointId=${id}&workerId=${w}`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(dl.headers.get("content-disposition")).toMatch(/^attachment; filename="sweepwatch-logs-/);
    const lines = dl.text.trimEnd().split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[0]).toContain("late line with an old timestamp");
    expect(lines.at(-1)).toContain("line 24");
  });

  it("caps a download and says so in a final line", async () => {
    const { streamLogText } = await import("@/lib/logs/repository");
    const { createCtx } = await import("@/lib/ctx");
    const ctx = createCtx({ db: prisma });
    const id = await seedEndpoint(new Date());
    await prisma.logLine.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({ endpointId: id, source: "upload" as const, ts: new Date(Date.now() + i), text: `l${i}`, dedupeKey: `k-${uid()}-${i}` })),
    });
    const text = await new Response(streamLogText({ filter: { endpointId: id }, maxLines: 12, pageSize: 5 }, ctx)).text();
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(13);
    expect(lines[11]).toMatch(/ l11$/);
    expect(lines[12]).toMatch(/capped at 12 lines/);
    const exact = await new Response(streamLogText({ filter: { endpointId: id }, maxLines: 30, pageSize: 7 }, ctx)).text();
    expect(exact.trimEnd().split("\n")).toHaveLength(30);
  });
});
