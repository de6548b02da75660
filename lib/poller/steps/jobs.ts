import { RunpodError } from "@/lib/runpod/errors";
import { markJobExpired, recordJobStatus, rescheduleJobs } from "@/lib/jobs/repository";
import { WAITING_JOB_STATUSES, isWaitingJobStatus } from "@/lib/domain/job/status";
import { jobPollDelayMs, planQueuedRound, spreadDelayMs, type QueuedRoundPlan } from "@/lib/poller/schedule";
import { failChannel, recordError, type EndpointState, type PollerRuntime, type TickSummary } from "@/lib/poller/runtime";
import { pollHealth } from "@/lib/poller/steps/health";

const TRANSIENT = new Set(["rate_limited", "server", "timeout", "network", "malformed"]);

export async function pollJobs(rt: PollerRuntime, endpointId: string, st: EndpointState, summary: TickSummary) {
  const { prisma, clock, config, featureCtx } = rt;
  const now = clock.now();
  st.jobsAt = now;
  const counts = await prisma.job.groupBy({ by: ["status"], where: { endpointId, nextPollAt: { not: null } }, _count: { _all: true } });
  if (!counts.length) return;
  const queued = counts.filter((c) => isWaitingJobStatus(c.status)).reduce((n, c) => n + c._count._all, 0);
  let plan: QueuedRoundPlan = { open: false, take: 0, expected: 0 };
  if (queued > 0) {
    // fresh /health for the gate: a pickup after an older answer would otherwise wait a whole round
    if ((st.healthCheckedAt === null || st.healthCheckedAt < now) && st.health.until <= now) await pollHealth(rt, endpointId, st, summary);
    if (st.missing) return;
    // Without a fresh /health the gate cannot rule anything out: poll the oldest few queued jobs
    // anyway (a /health failure never stops /status, it only makes the round less informed).
    plan = st.healthCheckedAt === now ? planQueuedRound(st.lastHealth, st.queuedRoundHealth, config.maxJobPollsPerEndpoint) : { open: true, take: Math.min(2, config.maxJobPollsPerEndpoint), expected: 0 };
  }
  const due = await prisma.job.findMany({
    where: { endpointId, nextPollAt: { lte: new Date(now) } },
    orderBy: [{ nextPollAt: "asc" }, { id: "asc" }],
    take: config.maxJobPollsPerEndpoint,
    select: { id: true, status: true },
  });
  const queuedSelect = { id: true, status: true } as const;
  const oldestQueued = (exclude: string[], take: number) =>
    prisma.job.findMany({
      where: { endpointId, status: { in: [...WAITING_JOB_STATUSES] }, nextPollAt: { not: null }, ...(exclude.length ? { id: { notIn: exclude } } : {}) },
      orderBy: [{ submittedAt: "asc" }, { createdAt: "asc" }, { id: "asc" }],
      take,
      select: queuedSelect,
    });
  const oldest = plan.open ? await oldestQueued([], plan.take) : [];
  const polled = new Set<string>();
  let transient: unknown = null;
  let leftQueue = 0;
  /** 404 on /status: expired, unless the endpoint itself is gone (checked once after the round). */
  const notFound: { id: string; status: string }[] = [];
  const pollOne = async (job: { id: string; status: string }) => {
    if (transient) return;
    let r;
    try {
      r = await rt.limit(() => rt.client.status(endpointId, job.id));
    } catch (err) {
      if (err instanceof RunpodError && TRANSIENT.has(err.kind) && err.kind !== "malformed") {
        transient ??= err;
        return;
      }
      await recordError(rt, { endpointId, operation: "status", error: err }, summary);
      await rescheduleJobs({ jobIds: [job.id], nextPollAt: new Date(clock.now() + config.jobsIntervalMs) }, featureCtx);
      return;
    }
    const at = rt.nowDate();
    summary.jobPolls++;
    if (r.expired) {
      if (isWaitingJobStatus(job.status)) leftQueue++;
      notFound.push(job);
      return;
    }
    const status = r.job.status === "RUNNING" ? "IN_PROGRESS" : r.job.status;
    if (isWaitingJobStatus(job.status) && !isWaitingJobStatus(status)) leftQueue++;
    const base = jobPollDelayMs(status, config);
    const delay = base !== null && isWaitingJobStatus(status) ? spreadDelayMs(base, `${job.id}:${at.getTime()}`) : base;
    const res = await recordJobStatus({
      jobId: job.id,
      doc: r.job,
      at,
      source: "poll",
      nextPollAt: delay === null ? null : new Date(at.getTime() + delay),
      countPoll: true,
    }, featureCtx);
    if (res.changed) summary.jobTransitions++;
  };
  const pollAll = async (jobs: { id: string; status: string }[]) => {
    const fresh = jobs.filter((j) => (polled.has(j.id) ? false : (polled.add(j.id), true)));
    await Promise.all(fresh.map(pollOne));
  };
  await pollAll([...due, ...oldest]);
  // /health says more jobs left the queue than the oldest few explain (submission order and RunPod's
  // queue order can differ slightly): look a little further, a bounded number of times.
  for (let round = 0; plan.open && plan.expected > leftQueue && round < 3 && !transient; round++) {
    const more = await oldestQueued([...polled], plan.take);
    if (!more.length) break;
    await pollAll(more);
  }
  if (notFound.length) await settleNotFound(rt, endpointId, st, notFound, summary);
  if (transient) {
    await failChannel(rt, endpointId, st.jobs, "status", transient, summary, false);
    return;
  }
  st.jobs.streak = 0;
  if (queued > 0 && st.healthCheckedAt === now) st.queuedRoundHealth = st.lastHealth;
}

/**
 * Jobs whose /status answered 404. RunPod answers 404 both for an expired job and for a deleted or
 * mistyped endpoint, so one /health call decides: the endpoint answers → the jobs expired; it is
 * 404 too → the endpoint is missing and its jobs stay as they are; no answer → ask again next round.
 */
async function settleNotFound(rt: PollerRuntime, endpointId: string, st: EndpointState, jobs: { id: string; status: string }[], summary: TickSummary) {
  const { clock, config, featureCtx } = rt;
  const h = st.health.until <= clock.now() ? await pollHealth(rt, endpointId, st, summary) : null;
  if (!h) {
    await rescheduleJobs({ jobIds: jobs.map((j) => j.id), nextPollAt: new Date(clock.now() + config.jobsIntervalMs) }, featureCtx);
    return;
  }
  const at = rt.nowDate();
  for (const job of jobs) {
    if (await markJobExpired({ jobId: job.id, at }, featureCtx)) {
      summary.jobsExpired++;
      summary.jobTransitions++;
    }
  }
}
