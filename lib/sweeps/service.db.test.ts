/**
 * The sweeps JSON API against a real database: route handlers called with real Request
 * objects (no server), sweeps and trials seeded with unique ids per test.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SweepDetailDtoSchema, SweepListDtoSchema, TrialPageDtoSchema, type TrialDto } from "@/lib/api/specs/sweeps";

process.env.SWEEPWATCH_MODE = "live";

type Mod = Record<string, unknown>;
let t: typeof import("@/lib/auth/test-utils");
let prisma: import("@/lib/db").PrismaClient;
let viewer: string;
let engineer: string;
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
  engineer = creds.engineer.bearer;
  routes = {
    sweeps: await import("@/app/api/sweeps/route"),
    sweep: await import("@/app/api/sweeps/[id]/route"),
    trials: await import("@/app/api/sweeps/[id]/trials/route"),
    notes: await import("@/app/api/sweeps/[id]/notes/route"),
    exportCsv: await import("@/app/api/sweeps/[id]/export/route"),
    analysis: await import("@/app/api/sweeps/[id]/analysis/route"),
    pause: await import("@/app/api/sweeps/[id]/pause/route"),
  };
}, 120_000);

afterAll(async () => {
  const { disconnectPrisma } = await import("@/lib/db");
  await disconnectPrisma();
});

async function seedEndpoint() {
  const id = `ep-${uid()}`;
  await prisma.endpoint.create({ data: { id, name: `name ${id}` } });
  return id;
}

const GRID_YAML = "method: grid\nmetric:\n  name: loss\n  goal: minimize\nparameters:\n  lr:\n    values: [0.1, 0.01]\n  opt:\n    values: [adam, sgd]\n";

async function createVia(endpointId: string, config: unknown = GRID_YAML) {
  const r = await call("sweeps", "POST", "/api/sweeps", { token: engineer, body: { endpointId, name: "api sweep", config, parallel: 2 } });
  return r;
}

/** A sweep with `n` trials seeded straight into the table (numbers 1..n, every 7th without a value). */
async function seedTrials(sweepId: string, n: number) {
  await prisma.trial.createMany({
    data: Array.from({ length: n }, (_, i) => {
      const number = i + 1;
      const noValue = number % 7 === 0;
      return {
        sweepId,
        number,
        idempotencyKey: `${sweepId}:${number}`,
        params: { lr: number % 2 ? 0.1 : 0.01, opt: number % 3 ? "adam" : "sgd" },
        status: noValue ? ("running" as const) : ("completed" as const),
        metricValue: noValue ? null : Math.round(((number * 37) % 11) * 10) / 10,
        jobId: `job-${sweepId}-${number}`.slice(0, 128),
      };
    }),
  });
}

async function pages(sweepId: string, query: string, limit: number): Promise<TrialDto[]> {
  const out: TrialDto[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const r = await call("trials", "GET", `/api/sweeps/${sweepId}/trials?limit=${limit}&${query}${cursor ? `&cursor=${cursor}` : ""}`, { params: { id: sweepId } });
    expect(r.status).toBe(200);
    const page = TrialPageDtoSchema.parse(r.json);
    out.push(...page.trials);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return out;
}

describe("POST /api/sweeps", () => {
  it("creates a sweep from W&B YAML (201) and reads it back", async () => {
    const ep = await seedEndpoint();
    const r = await createVia(ep);
    expect(r.status).toBe(201);
    const dto = SweepDetailDtoSchema.parse(r.json);
    expect(dto).toMatchObject({ endpointId: ep, method: "grid", state: "pending", parallel: 2, gridSize: 4, configText: GRID_YAML, paramNames: ["lr", "opt"] });
    expect(dto.progress).toMatchObject({ done: 0, total: 4 });
    const got = await call("sweep", "GET", `/api/sweeps/${dto.id}`, { params: { id: dto.id } });
    expect(got.status).toBe(200);
    expect(SweepDetailDtoSchema.parse(got.json).id).toBe(dto.id);
    const list = await call("sweeps", "GET", `/api/sweeps?endpointId=${ep}`);
    expect(SweepListDtoSchema.parse(list.json).sweeps.map((s) => s.id)).toEqual([dto.id]);
    const audit = await prisma.auditLog.findFirst({ where: { action: "sweep.create", targetId: dto.id } });
    expect(audit).not.toBeNull();
  });

  it("answers 422 with the config path and line for bad YAML and invalid configs, creating nothing", async () => {
    const ep = await seedEndpoint();
    const bad = await createVia(ep, "method: grid\nparameters:\n  lr:\n    values: [0.1, 0.2\n  bs: 3\n");
    expect(bad.status).toBe(422);
    expect(bad.json.error.code).toBe("validation_failed");
    expect(bad.json.error.issues[0].message).toMatch(/^line \d+:\d+: invalid YAML/);

    const invalid = await createVia(ep, "method: grid\nmetric:\n  name: loss\n  goal: minimise\nparameters:\n  lr:\n    values: [0.1]\n");
    expect(invalid.status).toBe(422);
    const issue = invalid.json.error.issues.find((i: { path: string }) => i.path === "config.metric.goal");
    expect(issue.message).toMatch(/^line 4:\d+: /);

    const template = await call("sweeps", "POST", "/api/sweeps", { token: engineer, body: { endpointId: ep, name: "x", config: GRID_YAML, inputTemplate: { lr: "{{param.learning_rate}}" } } });
    expect(template.status).toBe(422);
    expect(template.json.error.issues[0]).toMatchObject({ path: "inputTemplate" });

    const unknownEp = await createVia(`nope-${uid()}`);
    expect(unknownEp.status).toBe(404);
    const asViewer = await call("sweeps", "POST", "/api/sweeps", { body: { endpointId: ep, name: "x", config: GRID_YAML } });
    expect(asViewer.status).toBe(403);
    expect(await prisma.sweep.count({ where: { endpointId: ep } })).toBe(0);
  });
});

describe("GET /api/sweeps/{id}/trials", () => {
  it("pages by metric (best first, no value last) and by number with stable cursors and filters", async () => {
    const ep = await seedEndpoint();
    const sweep = SweepDetailDtoSchema.parse((await createVia(ep)).json);
    await seedTrials(sweep.id, 61);
    const all = await prisma.trial.findMany({ where: { sweepId: sweep.id } });

    const byMetric = await pages(sweep.id, "sort=metric", 7);
    const expected = [...all].sort((a, b) => {
      if (a.metricValue === null || b.metricValue === null) return a.metricValue === null ? (b.metricValue === null ? a.number - b.number : 1) : -1;
      return a.metricValue - b.metricValue || a.number - b.number;
    });
    expect(byMetric.map((x) => x.number)).toEqual(expected.map((x) => x.number));

    const byNumber = await pages(sweep.id, "sort=number", 10);
    expect(byNumber.map((x) => x.number)).toEqual(all.map((x) => x.number).sort((a, b) => b - a));

    const running = await pages(sweep.id, "status=running&sort=metric&order=desc", 3);
    expect(running.map((x) => x.number)).toEqual(all.filter((x) => x.metricValue === null).map((x) => x.number).sort((a, b) => b - a));

    const mixed = await pages(sweep.id, "status=running,completed&sort=metric&order=desc", 6);
    expect(mixed.map((x) => x.number)).toEqual(
      [...all]
        .sort((a, b) => {
          if (a.metricValue === null || b.metricValue === null) return a.metricValue === null ? (b.metricValue === null ? b.number - a.number : 1) : -1;
          return b.metricValue - a.metricValue || b.number - a.number;
        })
        .map((x) => x.number),
    );
    const mixedByNumber = await pages(sweep.id, "status=running&status=completed&sort=number&order=asc", 8);
    expect(mixedByNumber.map((x) => x.number)).toEqual(all.map((x) => x.number).sort((a, b) => a - b));

    const first = await call("trials", "GET", `/api/sweeps/${sweep.id}/trials?status=completed,running&valueMax=3&limit=5`, { params: { id: sweep.id } });
    const firstPage = TrialPageDtoSchema.parse(first.json);
    expect(firstPage.total).toBe(all.filter((x) => x.metricValue !== null && x.metricValue <= 3).length);

    const badStatus = await call("trials", "GET", `/api/sweeps/${sweep.id}/trials?status=finished`, { params: { id: sweep.id } });
    expect(badStatus.status).toBe(422);
    const badCursor = await call("trials", "GET", `/api/sweeps/${sweep.id}/trials?cursor=xyz`, { params: { id: sweep.id } });
    expect(badCursor.status).toBe(422);
    const missing = await call("trials", "GET", `/api/sweeps/nope/trials`, { params: { id: "nope" } });
    expect(missing.status).toBe(404);
  });
});

describe("GET /api/sweeps/{id}/trials sorted by any column", () => {
  it("sorts the whole sweep (not a page) by a parameter, state, duration or job, with stable keyset pages in both orders", async () => {
    const ep = await seedEndpoint();
    const sweep = SweepDetailDtoSchema.parse((await createVia(ep)).json);
    await seedTrials(sweep.id, 40);
    // durations: trial n ran n seconds (finished ones only)
    const t0 = Date.parse("2026-12-05T10:00:00Z");
    for (let n = 1; n <= 40; n++) {
      if (n % 7 === 0) continue;
      await prisma.trial.update({ where: { sweepId_number: { sweepId: sweep.id, number: n } }, data: { startedAt: new Date(t0), finishedAt: new Date(t0 + n * 1000) } });
    }
    const all = await prisma.trial.findMany({ where: { sweepId: sweep.id } });
    const cmp = (a: number | string | null, b: number | string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
    const expectOrder = (key: (t: (typeof all)[number]) => number | string | null, dir: 1 | -1) =>
      [...all].sort((a, b) => dir * (cmp(key(a), key(b)) || a.number - b.number)).map((x) => x.number);

    const lr = (t: (typeof all)[number]) => (t.params as { lr: number }).lr;
    expect((await pages(sweep.id, "sort=param:lr", 6)).map((x) => x.number)).toEqual(expectOrder(lr, 1));
    expect((await pages(sweep.id, "sort=param:lr&order=desc", 7)).map((x) => x.number)).toEqual(expectOrder(lr, -1));
    const opt = (t: (typeof all)[number]) => (t.params as { opt: string }).opt;
    expect((await pages(sweep.id, "sort=param:opt", 9)).map((x) => x.number)).toEqual(expectOrder(opt, 1));
    expect((await pages(sweep.id, "sort=status&order=desc", 5)).map((x) => x.number)).toEqual(expectOrder((t) => t.status, -1));
    // unfinished trials have no duration: first ascending, last descending
    const dur = (t: (typeof all)[number]) => (t.finishedAt && t.startedAt ? t.finishedAt.getTime() - t.startedAt.getTime() : null);
    expect((await pages(sweep.id, "sort=duration", 8)).map((x) => x.number)).toEqual(expectOrder(dur, 1));
    expect((await pages(sweep.id, "sort=duration&order=desc&status=completed", 4)).map((x) => x.number)).toEqual(
      expectOrder(dur, -1).filter((n) => all.find((x) => x.number === n)!.status === "completed"),
    );
    expect((await pages(sweep.id, "sort=job", 11)).map((x) => x.number)).toEqual(expectOrder((t) => t.jobId, 1));

    const bad = await call("trials", "GET", `/api/sweeps/${sweep.id}/trials?sort=colour`, { params: { id: sweep.id } });
    expect(bad.status).toBe(422);
  });
});

describe("notes, export, analysis, control", () => {
  it("refuses to overwrite newer notes (409) and keeps the newer text", async () => {
    const ep = await seedEndpoint();
    const sweep = SweepDetailDtoSchema.parse((await createVia(ep)).json);
    const put = (notes: string, notesVersion: number) => call("notes", "PUT", `/api/sweeps/${sweep.id}/notes`, { token: engineer, params: { id: sweep.id }, body: { notes, notesVersion } });
    const a = await put("# first", 0);
    expect(a.status).toBe(200);
    expect(a.json.notesVersion).toBe(1);
    const stale = await put("# written from an old tab", 0);
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe("conflict");
    const b = await put("# second", 1);
    expect(b.json).toMatchObject({ notes: "# second", notesVersion: 2 });
    expect((await prisma.sweep.findUniqueOrThrow({ where: { id: sweep.id } })).notes).toBe("# second");
  });

  it("exports all or filtered trials as CSV (one column per parameter) and JSON", async () => {
    const ep = await seedEndpoint();
    const sweep = SweepDetailDtoSchema.parse((await createVia(ep)).json);
    await seedTrials(sweep.id, 25);
    const csv = await call("exportCsv", "GET", `/api/sweeps/${sweep.id}/export?format=csv`, { params: { id: sweep.id } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = csv.text.trim().split("\n");
    expect(lines[0]).toBe("id,number,status,loss,jobId,attempt,workerId,submittedAt,startedAt,finishedAt,error,lr,opt");
    expect(lines).toHaveLength(26);
    const json = await call("exportCsv", "GET", `/api/sweeps/${sweep.id}/export?format=json&status=running`, { params: { id: sweep.id } });
    expect((json.json as unknown as TrialDto[]).map((x) => x.number)).toEqual([7, 14, 21]);
  });

  it("analysis stays within the point budget", async () => {
    const ep = await seedEndpoint();
    const sweep = SweepDetailDtoSchema.parse((await createVia(ep)).json);
    await seedTrials(sweep.id, 400);
    const r = await call("analysis", "GET", `/api/sweeps/${sweep.id}/analysis?points=50`, { params: { id: sweep.id } });
    expect(r.status).toBe(200);
    const a = r.json;
    expect(a.completedTrials).toBe(400 - Math.floor(400 / 7));
    expect(a.history.points.length).toBeLessThanOrEqual(50);
    expect(a.history.points.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(a.completedTrials);
    expect(a.parallel.rows.length).toBeLessThanOrEqual(50 + 5);
    expect(a.timeline.items.length).toBeLessThanOrEqual(50);
    expect(a.timeline.truncated).toBe(true);
    expect(a.importance.map((i: { param: string }) => i.param).sort()).toEqual(["lr", "opt"]);
  });

  it("pause is for engineers and conflicts on a sweep that cannot be paused", async () => {
    const ep = await seedEndpoint();
    const sweep = SweepDetailDtoSchema.parse((await createVia(ep)).json);
    expect((await call("pause", "POST", `/api/sweeps/${sweep.id}/pause`, { params: { id: sweep.id } })).status).toBe(403);
    const ok = await call("pause", "POST", `/api/sweeps/${sweep.id}/pause`, { token: engineer, params: { id: sweep.id } });
    expect(ok.status).toBe(200);
    expect(ok.json.state).toBe("paused");
    const again = await call("pause", "POST", `/api/sweeps/${sweep.id}/pause`, { token: engineer, params: { id: sweep.id } });
    expect(again.status).toBe(409);
  });
});
