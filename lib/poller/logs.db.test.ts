import { afterEach, describe, expect, it } from "vitest";
import type { LogStreamEndReason } from "@/lib/runpod/logs";
import { countRows, RANDOM_DEVICE_LOOP, runFor, setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

/** Records how each log read the poller makes ends (the call goes through unchanged). */
function watchLogReads(e: PollerTestEnv) {
  const ends: (LogStreamEndReason | "error")[] = [];
  const read = e.client.workerLogs.bind(e.client);
  e.client.workerLogs = async (...args) => {
    const r = await read(...args);
    ends.push(r.endedBy);
    return r;
  };
  return ends;
}

describe("poller: worker log streams as production serves them", () => {
  it("a crash-looping endpoint whose workers are quiet between restarts has no poll errors and no back-off", async () => {
    env = await setupPollerTest({ endpoints: [RANDOM_DEVICE_LOOP] });
    const ep = env.ep("rd");
    const ends = watchLogReads(env);
    const p = env.poller({ config: { workersIntervalMs: 2_000, logsIntervalMs: 2_000 } });
    let errors = 0;
    for (let i = 0; i < 70; i++) {
      await env.advance(1_000);
      errors += (await p.tick()).errors;
    }
    // the simulator withholds headers until a line (the default): those reads are quiet, and many
    expect(ends.filter((e) => e === "quiet").length).toBeGreaterThanOrEqual(5);
    expect(ends).not.toContain("error");
    expect(errors).toBe(0);
    expect((await countRows(env.prisma, env.tag)).pollErrors).toBe(0);
    expect((await env.prisma.endpoint.findUniqueOrThrow({ where: { id: ep } })).lastError).toBeNull();
    // never backed off: a health snapshot every 10 s all along
    expect(await env.prisma.healthSnapshot.count({ where: { endpointId: ep } })).toBeGreaterThanOrEqual(7);
    // and the crash evidence arrived
    expect(await env.prisma.logLine.count({ where: { endpointId: ep, text: { contains: "random_device could not be read" } } })).toBeGreaterThanOrEqual(2);
    await p.stop();
  });

  it("three system lines of one second are three rows; a resumed read that overlaps stores no duplicate", async () => {
    env = await setupPollerTest({ endpoints: [{ ...RANDOM_DEVICE_LOOP, workers: { min: 1, max: 1, idleTimeout: 5 } }] });
    const ep = env.ep("rd");
    // exact counts below: give a loaded machine time to answer, so no read is taken for a quiet one
    const p = env.poller({ config: { workersIntervalMs: 2_000, logsIntervalMs: 2_000, logHeadersMs: 1_000 } });
    await runFor(env, p, 30_000);
    const [sw] = env.sim.state.getEndpoint(ep)!.workers.values();
    const simLines = env.sim.state.logLines(sw);
    // first boot: image pulled, create container, start container share one whole-second stamp and one event id
    const boot = await env.prisma.logLine.findMany({ where: { endpointId: ep, workerId: sw.id, source: "system", text: { in: ["image pulled: acme/tf:2.19-r1", "create container acme/tf:2.19-r1", "start container"] } }, orderBy: { id: "asc" } });
    const firstSecond = boot.filter((l) => l.eventId === boot[0].eventId);
    expect(firstSecond.map((l) => l.text)).toEqual(["image pulled: acme/tf:2.19-r1", "create container acme/tf:2.19-r1", "start container"]);
    expect(new Set(firstSecond.map((l) => l.ts.getTime())).size).toBe(1);
    // every exit is stored, though each shares its id with the restart line after it
    const exits = simLines.filter((l) => l.line === "container exited with code 134").length;
    expect(exits).toBeGreaterThanOrEqual(2);
    expect(await env.prisma.logLine.count({ where: { endpointId: ep, workerId: sw.id, text: "container exited with code 134" } })).toBe(exits);
    expect(await env.prisma.logLine.count({ where: { endpointId: ep, workerId: sw.id } })).toBe(simLines.length);

    // resume from well before the last line: the read overlaps everything since and adds only what is new
    await env.prisma.worker.updateMany({ where: { endpointId: ep }, data: { logCursor: new Date(simLines[0].ts).toISOString() } });
    await env.advance(2_000);
    const s = await p.tick();
    expect(s.logReads).toBeGreaterThan(0);
    const now = env.sim.state.logLines(sw);
    expect(s.logLines).toBe(now.length - simLines.length);
    expect(await env.prisma.logLine.count({ where: { endpointId: ep, workerId: sw.id } })).toBe(now.length);
    await p.stop();
  });
});
