import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "@/lib/db";
import { createCtx } from "@/lib/ctx";
import { evaluateAllCriteria } from "@/lib/criteria/evaluation";
import { listCriteria, seedDefaultCriteria } from "@/lib/criteria/repository";
import { resolveSmokeConfigs, scheduleSmokeRuns, syncSmokeRuns, type SmokeSubmitter } from "@/lib/criteria/smoke";

const prisma = getPrisma();
afterAll(() => disconnectPrisma());

const uid = () => `smoke-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
const T0 = new Date("2026-11-21T10:00:00Z");
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

/** A submitter that records calls and creates the Job row the way submitJob does (source smoke). */
function fakeRunpod() {
  const calls: { endpointId: string; input: Record<string, unknown> }[] = [];
  let n = 0;
  const submit: SmokeSubmitter = async (endpointId, input) => {
    calls.push({ endpointId, input });
    const id = `${endpointId}-job-${++n}`;
    await prisma.job.create({ data: { id, endpointId, status: "IN_QUEUE", source: "smoke", input: input as object, submittedAt: T0 } });
    return { id, status: "IN_QUEUE" };
  };
  return { calls, submit };
}

const BRANIN = { smoke: true, x1: 3.14159, x2: 2.275 };

/** An endpoint a user opted in to smoke jobs (input + expected-output check), with a worker on `image`. */
async function endpointOn(id: string, image: string, startedMin: number, optIn = true) {
  await prisma.endpoint.upsert({
    where: { id },
    create: { id, name: id, createdAt: at(0), smokeOptIn: optIn, smokeInput: optIn ? BRANIN : undefined, smokeExpect: optIn ? { loss: { $type: "number" } } : undefined },
    update: {},
  });
  await prisma.worker.create({
    data: { endpointId: id, id: `${id}-${image.replace(/\W/g, "")}`, status: "IDLE", image, startedAt: at(startedMin), firstSeenAt: at(startedMin), lastSeenAt: at(startedMin) },
  });
}

describe("smoke jobs", () => {
  it("submits on a new image, waits while one is in flight, then on schedule; syncs the outcome from the job", async () => {
    await seedDefaultCriteria({}, createCtx({ db: prisma }));
    const ep = uid();
    await endpointOn(ep, "team/trainer:v1", 1);
    const rp = fakeRunpod();

    let r = await scheduleSmokeRuns(prisma, { endpointIds: [ep], now: at(2), submit: rp.submit });
    expect(r.submitted).toEqual([expect.objectContaining({ endpointId: ep, trigger: "new_image" })]);
    // the endpoint's own opted-in input
    expect(rp.calls[0].input).toEqual(BRANIN);

    // still in flight: nothing new, even long after the schedule is due
    r = await scheduleSmokeRuns(prisma, { endpointIds: [ep], now: at(200), submit: rp.submit });
    expect(r.submitted).toEqual([]);

    // the poller records the job's completion; sync copies it onto the run
    const run = await prisma.smokeRun.findFirstOrThrow({ where: { endpointId: ep } });
    expect(run).toMatchObject({ status: "IN_QUEUE", ok: null, image: "team/trainer:v1", deployment: "image:team/trainer:v1", trigger: "new_image", jobId: `${ep}-job-1` });
    await prisma.job.update({ where: { id: run.jobId! }, data: { status: "COMPLETED", finishedAt: at(5), executionTime: 1200, output: { loss: 0.4 } } });
    expect(await syncSmokeRuns(prisma, { endpointIds: [ep], now: at(6) })).toBe(1);
    expect(await syncSmokeRuns(prisma, { endpointIds: [ep], now: at(6) })).toBe(0);
    const done = await prisma.smokeRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done).toMatchObject({ status: "COMPLETED", ok: true, finishedAt: at(5) });

    // before everyMinutes (60) nothing; after it, a scheduled run
    expect((await scheduleSmokeRuns(prisma, { endpointIds: [ep], now: at(30), submit: rp.submit })).submitted).toEqual([]);
    r = await scheduleSmokeRuns(prisma, { endpointIds: [ep], now: at(63), submit: rp.submit });
    expect(r.submitted.map((s) => s.trigger)).toEqual(["schedule"]);

    // the smoke criterion passes on v1
    await evaluateAllCriteria({}, createCtx({ db: prisma, now: () => at(64) }));
    const smoke = (await listCriteria({ endpointId: ep }, createCtx({ db: prisma }))).find((c) => c.key === "basic-tensorflow-operations")!;
    expect(smoke.state).toBe("pass");
    expect(smoke.evidence[0]).toMatchObject({ kind: "job", id: `${ep}-job-1`, endpointId: ep });

    // a new image triggers at once even though a scheduled run is in flight, and the criterion waits for it
    await endpointOn(ep, "team/trainer:v2", 65);
    r = await scheduleSmokeRuns(prisma, { endpointIds: [ep], now: at(66), submit: rp.submit });
    expect(r.submitted.map((s) => s.trigger)).toEqual(["new_image"]);
    await evaluateAllCriteria({}, createCtx({ db: prisma, now: () => at(67) }));
    const again = (await listCriteria({ endpointId: ep }, createCtx({ db: prisma }))).find((c) => c.key === "basic-tensorflow-operations")!;
    expect(again.state).toBe("unknown");
    expect(again.summary).toContain("team/trainer:v2");
  });

  it("a COMPLETED smoke job whose output fails the check is not ok, and says what differed", async () => {
    const ep = uid();
    await endpointOn(ep, "team/trainer:v1", 1);
    const rp = fakeRunpod();
    await scheduleSmokeRuns(prisma, { endpointIds: [ep], now: at(2), submit: rp.submit });
    const run = await prisma.smokeRun.findFirstOrThrow({ where: { endpointId: ep } });
    await prisma.job.update({ where: { id: run.jobId! }, data: { status: "COMPLETED", finishedAt: at(3), output: { error: "no TF" } } });
    await syncSmokeRuns(prisma, { endpointIds: [ep], now: at(4) });
    expect(await prisma.smokeRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "COMPLETED", ok: false, error: "output check failed: output.loss is missing" });
  });

  it("sends nothing to an endpoint nobody opted in, whatever criteria exist", async () => {
    await seedDefaultCriteria({}, createCtx({ db: prisma }));
    const ep = uid();
    await endpointOn(ep, "team/trainer:v1", 1, false);
    const rp = fakeRunpod();
    expect((await scheduleSmokeRuns(prisma, { endpointIds: [ep], now: at(2), submit: rp.submit })).submitted).toEqual([]);
    expect((await scheduleSmokeRuns(prisma, { endpointIds: [ep], now: at(200), submit: rp.submit })).submitted).toEqual([]);
    expect(rp.calls).toEqual([]);
  });

  it("records a failed job as not ok and a refused submission as SUBMIT_FAILED, changing nothing else", async () => {
    await seedDefaultCriteria({}, createCtx({ db: prisma }));
    const ep = uid();
    await endpointOn(ep, "team/trainer:v1", 1);
    const refuse: SmokeSubmitter = async () => {
      throw new Error("RunPod answered 400: bad request");
    };
    const r = await scheduleSmokeRuns(prisma, { endpointIds: [ep], now: at(2), submit: refuse });
    expect(r.submitted).toHaveLength(1);
    const run = await prisma.smokeRun.findFirstOrThrow({ where: { endpointId: ep } });
    expect(run).toMatchObject({ status: "SUBMIT_FAILED", ok: false, jobId: null, error: "RunPod answered 400: bad request" });
    expect(await prisma.job.count({ where: { endpointId: ep } })).toBe(0);

    const rp = fakeRunpod();
    await scheduleSmokeRuns(prisma, { endpointIds: [ep], now: at(70), submit: rp.submit });
    const second = await prisma.smokeRun.findFirstOrThrow({ where: { endpointId: ep, jobId: { not: null } } });
    await prisma.job.update({ where: { id: second.jobId! }, data: { status: "FAILED", finishedAt: at(71), error: "KeyError: 'x2'" } });
    await syncSmokeRuns(prisma, { endpointIds: [ep], now: at(72) });
    expect(await prisma.smokeRun.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ status: "FAILED", ok: false, error: "KeyError: 'x2'" });
    await evaluateAllCriteria({}, createCtx({ db: prisma, now: () => at(73) }));
    const smoke = (await listCriteria({ endpointId: ep }, createCtx({ db: prisma }))).find((c) => c.key === "basic-tensorflow-operations")!;
    expect(smoke.state).toBe("fail");
  });

  it("uses the opted-in endpoint's input and check; skips paused and not-opted-in endpoints", async () => {
    await seedDefaultCriteria({}, createCtx({ db: prisma }));
    const [a, b, c] = [uid(), uid(), uid()];
    await prisma.endpoint.create({ data: { id: a, name: a, smokeOptIn: true, smokeInput: { prompt: "ping" }, smokeExpect: { reply: "pong" } } });
    await prisma.endpoint.create({ data: { id: b, name: b, paused: true, smokeOptIn: true, smokeInput: { prompt: "ping" } } });
    await prisma.endpoint.create({ data: { id: c, name: c, smokeInput: { prompt: "ping" } } });
    const cfg = await resolveSmokeConfigs(prisma, [a, b, c]);
    expect(cfg.get(a)).toMatchObject({ input: { prompt: "ping" }, expect: { reply: "pong" }, everyMinutes: 60 });
    expect(cfg.has(b)).toBe(false);
    expect(cfg.has(c)).toBe(false);
  });
});
