import http from "node:http";
import { createCtx } from "@/lib/ctx";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { submitJob } from "@/lib/jobs/service";
import { RANDOM_DEVICE_LOOP, runFor, setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";
import { createDetectionModule, createNotificationModule, detectEndpoint } from "@/lib/incidents/detection/module";
import { DEFAULT_DETECTION_CONFIG } from "@/lib/incidents/detection/config";

const NO_CAPACITY = { name: "nocap", workers: { min: 0, max: 2, idleTimeout: 5 }, behaviour: { type: "no_capacity" as const, mode: "unplaced" as const } };
const THROTTLED = { name: "throttled", workers: { min: 0, max: 2, idleTimeout: 5 }, behaviour: { type: "no_capacity" as const, mode: "throttled" as const } };
const ONE_OFF = {
  name: "oneoff",
  workers: { min: 1, max: 1, idleTimeout: 60 },
  coldStartMs: 2_000,
  restartMs: 1_000,
  jobDurationMs: { min: 3_000, max: 3_000 },
  behaviour: { type: "one_off_crash" as const, onJob: 1, kind: "segfault" as const, afterMs: 1_000, failureRate: 0 },
};

let env: PollerTestEnv | null = null;
let server: http.Server | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});


describe("detection against the simulator", () => {
  it("flags the crash-looping endpoint's queued jobs with the abort lines, gives capacity verdicts elsewhere, opens one incident, and reprocessing duplicates nothing", async () => {
    // /health sends only the documented counters (simulator default): the capacity verdicts take the
    // throttled / total counts from the workers list's summary (documented in the v2 OpenAPI)
    env = await setupPollerTest({ endpoints: [RANDOM_DEVICE_LOOP, NO_CAPACITY, THROTTLED, ONE_OFF] });
    const e = env;
    const p = e.poller({ config: { workersIntervalMs: 5_000, logsIntervalMs: 5_000 }, modules: [createDetectionModule()] });
    await p.tick();
    const now = () => new Date(e.sim.clock.now());
    const deps = createCtx({ db: e.prisma, runpod: e.client, now });
    const rd = [await submitJob({ endpointId: e.ep("rd"), input: { x1: 1, x2: 2 } }, deps), await submitJob({ endpointId: e.ep("rd"), input: { x1: 2, x2: 2 } }, deps)];
    const nocap = await submitJob({ endpointId: e.ep("nocap"), input: { x1: 1, x2: 2 } }, deps);
    const thr = await submitJob({ endpointId: e.ep("throttled"), input: { x1: 1, x2: 2 } }, deps);
    await submitJob({ endpointId: e.ep("oneoff"), input: { x1: 1, x2: 2 } }, deps);
    await runFor(e, p, 90_000, 1_000);

    for (const j of rd) {
      const row = await e.prisma.job.findUniqueOrThrow({ where: { id: j.id } });
      expect(row.status).toBe("IN_QUEUE");
      expect(row.verdict).toBe("random_device_crash_loop");
      expect(row.flag).toBe("random_device_crash_loop");
      const d = row.verdictDetail as { evidence: { text: string }[]; incidentId?: string; signature: string };
      expect(d.signature).toBe("random_device");
      expect(d.evidence.map((l) => l.text).join("\n")).toContain("random_device could not be read");
      expect(d.evidence.map((l) => l.text).join("\n")).toContain("terminate called after throwing an instance of 'std::runtime_error'");
      expect(d.incidentId).toBeTruthy();
    }
    const nc = await e.prisma.job.findUniqueOrThrow({ where: { id: nocap.id } });
    expect([nc.verdict, nc.flag]).toEqual(["no_capacity", null]);
    const th = await e.prisma.job.findUniqueOrThrow({ where: { id: thr.id } });
    expect([th.verdict, th.flag]).toEqual(["throttled", null]);

    const incidents = await e.prisma.incident.findMany({ where: { endpointId: { startsWith: e.tag } } });
    expect(incidents.map((i) => [i.endpointId, i.signature, i.state])).toEqual([[e.ep("rd"), "random_device", "open"]]);
    expect(incidents[0].introducedImage).toBe("acme/tf:2.19-r1");
    // the one-off segfault is a crash event, but not an incident
    const oneOff = await e.prisma.crashEvent.findMany({ where: { endpointId: e.ep("oneoff") } });
    expect(oneOff.map((c) => c.signature)).toEqual(["segfault"]);
    const group = await e.prisma.crashGroup.findFirstOrThrow({ where: { endpointId: e.ep("rd"), signature: "random_device" } });
    const events = await e.prisma.crashEvent.count({ where: { endpointId: e.ep("rd") } });
    expect(group.count).toBe(events);
    expect(group.count).toBeGreaterThanOrEqual(2);
    expect(await e.prisma.crashEvent.count({ where: { endpointId: e.ep("rd"), signature: { not: "random_device" } } })).toBe(0);

    // forget the cursors: a second pass over every line adds no crash event and changes no count
    await e.prisma.appSetting.deleteMany({ where: { key: { startsWith: `detection.cursor.${e.tag}` } } });
    const before = await e.prisma.crashEvent.count({ where: { endpointId: { startsWith: e.tag } } });
    for (const name of ["rd", "nocap", "throttled", "oneoff"]) await detectEndpoint(e.prisma, e.ep(name), now(), DEFAULT_DETECTION_CONFIG);
    expect(await e.prisma.crashEvent.count({ where: { endpointId: { startsWith: e.tag } } })).toBe(before);
    expect((await e.prisma.crashGroup.findUniqueOrThrow({ where: { id: group.id } })).count).toBe(events);
    expect(await e.prisma.incident.count({ where: { endpointId: { startsWith: e.tag } } })).toBe(1);

    // a job that leaves the queue loses its flag
    await e.prisma.job.update({ where: { id: rd[0].id }, data: { status: "CANCELLED" } });
    await detectEndpoint(e.prisma, e.ep("rd"), now(), DEFAULT_DETECTION_CONFIG);
    const gone = await e.prisma.job.findUniqueOrThrow({ where: { id: rd[0].id } });
    expect([gone.flag, gone.verdict]).toEqual([null, null]);
    expect((await e.prisma.job.findUniqueOrThrow({ where: { id: rd[1].id } })).flag).toBe("random_device_crash_loop");
    await p.stop();
  });

  it("resolves the incident when the endpoint recovers, reopens it as a regression, and notifies each step once", async () => {
    const received: { text: string }[] = [];
    let failFirst: string | null = null;
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        if (failFirst && body.includes(failFirst)) {
          failFirst = null;
          res.writeHead(500).end("try again");
          return;
        }
        received.push(JSON.parse(body));
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    env = await setupPollerTest({
      endpoints: [
        {
          ...RANDOM_DEVICE_LOOP,
          name: "rollout",
          jobDurationMs: { min: 2_000, max: 2_000 },
          timeline: [
            { atMinute: 3, image: "acme/tf:2.19-r2", behaviour: { type: "healthy" as const, failureRate: 0 } },
            { atMinute: 7, image: "acme/tf:2.19.1-r3", behaviour: RANDOM_DEVICE_LOOP.behaviour },
          ],
        },
      ],
    });
    const e = env;
    failFirst = e.ep("rollout");
    const p = e.poller({
      config: { workersIntervalMs: 5_000, logsIntervalMs: 5_000 },
      modules: [createDetectionModule(), createNotificationModule({ url, allowInternal: true, baseMs: 2_000, everyMs: 1_000 })],
    });
    await p.tick();
    const now = () => new Date(e.sim.clock.now());
    const deps = createCtx({ db: e.prisma, runpod: e.client, now });
    for (let i = 0; i < 3; i++) await submitJob({ endpointId: e.ep("rollout"), input: { x1: i, x2: 2 } }, deps);
    await runFor(e, p, 150_000, 2_000);
    const inc = await e.prisma.incident.findFirstOrThrow({ where: { endpointId: e.ep("rollout") } });
    expect(inc.state).toBe("open");

    // minute 3: the fix rolls out, the queued jobs complete, the incident resolves after the short quiet period
    await runFor(e, p, 270_000, 2_000);
    const resolved = await e.prisma.incident.findUniqueOrThrow({ where: { id: inc.id } });
    expect([resolved.state, resolved.resolution]).toEqual(["resolved", "auto"]);
    expect(await e.prisma.job.count({ where: { endpointId: e.ep("rollout"), status: "COMPLETED" } })).toBe(3);

    // minute 7: the regression; new queued jobs get flagged again and the same incident reopens
    for (let i = 0; i < 2; i++) await submitJob({ endpointId: e.ep("rollout"), input: { x1: i, x2: 3 } }, deps);
    await runFor(e, p, 150_000, 2_000);
    const reopened = await e.prisma.incident.findUniqueOrThrow({ where: { id: inc.id }, include: { events: { orderBy: { id: "asc" } } } });
    expect(reopened.state).toBe("open");
    expect(reopened.regressionCount).toBe(1);
    expect(reopened.events.map((ev) => ev.kind)).toEqual(["opened", "resolved", "regressed"]);
    expect(await e.prisma.incident.count({ where: { endpointId: e.ep("rollout") } })).toBe(1);
    expect(await e.prisma.job.count({ where: { endpointId: e.ep("rollout"), status: "IN_QUEUE", flag: "random_device_crash_loop" } })).toBe(2);

    // let the sender catch up; the first POST failed (500) and was retried
    await runFor(e, p, 20_000, 1_000);
    const notes = await e.prisma.notification.findMany({ where: { dedupeKey: { startsWith: `${inc.id}:` } }, orderBy: { id: "asc" } });
    expect(notes.map((n) => [n.dedupeKey, n.status])).toEqual([
      [`${inc.id}:opened:0`, "sent"],
      [`${inc.id}:resolved:0`, "sent"],
      [`${inc.id}:regressed:1`, "sent"],
    ]);
    expect(notes[0].attempts).toBe(2);
    const mine = received.filter((m) => m.text.includes(`#${inc.id} `));
    expect(mine.map((m) => /(opened|resolved|regressed)/.exec(m.text)?.[1])).toEqual(["opened", "resolved", "regressed"]);
    await p.stop();
  });
});
