import pLimit, { type LimitFunction } from "p-limit";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Logger } from "@/lib/log";
import { RunpodError } from "@/lib/runpod/errors";
import type { Health } from "@/lib/runpod/schemas";
import { recordPollError } from "@/lib/data/poll-errors";
import type { PollerClient } from "@/lib/poller/client";
import { createCtx, type Ctx } from "@/lib/ctx";
import { SYSTEM_PRINCIPAL } from "@/lib/auth/principal";
import { ManagementBudget } from "@/lib/poller/budget";
import { backoffMs } from "@/lib/poller/schedule";
import type { PollerClock, PollerConfig } from "@/lib/poller/types";

export interface TickSummary {
  at: Date;
  /** Endpoints this poller held a lease on during the tick. */
  endpoints: string[];
  discovered: number;
  healthSnapshots: number;
  workerPolls: number;
  workerEvents: number;
  jobPolls: number;
  jobTransitions: number;
  jobsExpired: number;
  logReads: number;
  logLines: number;
  errors: number;
  modules: string[];
}

/** Failures of one kind of call back off that kind only (a /health failure never delays /status). */
export interface Channel {
  streak: number;
  until: number;
}

export interface EndpointState {
  /** Time of the last recorded snapshot (time series cadence). */
  healthAt: number | null;
  /** Time and answer of the last /health call (recorded or not). */
  healthCheckedAt: number | null;
  lastHealth: Health | null;
  /** /health as it was at the previous queued-jobs round. */
  queuedRoundHealth: Health | null;
  workersAt: number | null;
  jobsAt: number | null;
  /** Jobs API /health, jobs API /status, management API (workers list, worker logs): each its own back-off. */
  health: Channel;
  jobs: Channel;
  mgmt: Channel;
  /** /health answered 404: deleted or mistyped. No /status polls (a 404 there would read as "expired"). */
  missing: boolean;
}

/**
 * What the polling steps (lib/poller/steps/) share within one poller: its dependencies, the RunPod
 * concurrency limits, the management budget and the per-endpoint schedules and back-offs. One object
 * per poller (never module state: several pollers run in one process in tests), so every step reads
 * and writes the same values.
 */
export interface PollerRuntime {
  readonly prisma: PrismaClient;
  readonly client: PollerClient;
  readonly clock: PollerClock;
  readonly config: PollerConfig;
  readonly instanceId: string;
  readonly log: Logger;
  readonly limit: LimitFunction;
  readonly logLimit: LimitFunction;
  readonly budget: ManagementBudget;
  /** One entry per endpoint this poller holds a lease on. */
  readonly states: Map<string, EndpointState>;
  /** Account-wide management pause: a 401/403 (key refused) or a 429 (quota) holds every management call. */
  mgmtUntil: number;
  readonly discovery: Channel;
  lastDiscoveryAt: number | null;
  readonly featureCtx: Ctx<PollerClient>;
  nowDate(): Date;
}

export function createRuntime(parts: { prisma: PrismaClient; client: PollerClient; clock: PollerClock; config: PollerConfig; instanceId: string; log: Logger }): PollerRuntime {
  const { prisma, client, clock, config } = parts;
  const nowDate = () => new Date(clock.now());
  return {
    ...parts,
    limit: pLimit(config.concurrency),
    logLimit: pLimit(Math.max(1, Math.min(4, Math.floor(config.concurrency / 2)))),
    budget: new ManagementBudget(prisma, config.managementBudgetKey, () => clock.now(), config.managementPerMinute),
    states: new Map<string, EndpointState>(),
    mgmtUntil: 0,
    discovery: { streak: 0, until: 0 },
    lastDiscoveryAt: null,
    featureCtx: createCtx<PollerClient>({ db: prisma, now: nowDate, principal: SYSTEM_PRINCIPAL, runpod: () => client }),
    nowDate,
  };
}

export async function recordError(rt: PollerRuntime, input: { endpointId?: string | null; operation: string; error: unknown }, summary?: TickSummary) {
  if (summary) summary.errors++;
  const e = input.error;
  const message = e instanceof Error ? e.message : String(e);
  const httpStatus = e instanceof RunpodError ? e.status : null;
  rt.log.warn("poll error", { endpointId: input.endpointId ?? undefined, operation: input.operation, httpStatus: httpStatus ?? undefined, kind: e instanceof RunpodError ? e.kind : undefined, message });
  try {
    await recordPollError(rt.prisma, { endpointId: input.endpointId ?? null, pollerId: rt.instanceId, operation: input.operation, httpStatus, message, at: rt.nowDate() });
  } catch (err) {
    rt.log.error("could not record a poll error", { error: err });
  }
}

export function refreshBudget(rt: PollerRuntime) {
  const mgmt = rt.client.rateLimitState().scopes["management"];
  const minute = mgmt?.windows.find((w) => w.windowSeconds === 60 || w.name === "minute");
  rt.budget.setReportedQuota(minute?.limit ?? null);
}

/** Records the failure and backs off this channel only; a refused key or a 429 also pauses every management call. */
export async function failChannel(rt: PollerRuntime, endpointId: string | null, ch: Channel, operation: string, err: unknown, summary: TickSummary, management: boolean) {
  await recordError(rt, { endpointId, operation, error: err }, summary);
  ch.streak++;
  const retryAfter = err instanceof RunpodError && err.retryAfterMs ? err.retryAfterMs : 0;
  ch.until = rt.clock.now() + Math.max(retryAfter, backoffMs(ch.streak, rt.config));
  if (management && err instanceof RunpodError && (err.kind === "rate_limited" || err.kind === "unauthorized" || err.kind === "forbidden")) {
    rt.mgmtUntil = Math.max(rt.mgmtUntil, rt.clock.now() + Math.max(retryAfter, backoffMs(ch.streak, rt.config)));
  }
}

/** A worker-log (management API) failure: backs off the endpoint's management calls, nothing else. */
export async function failEndpoint(rt: PollerRuntime, endpointId: string, st: EndpointState, operation: string, err: unknown, summary: TickSummary) {
  await failChannel(rt, endpointId, st.mgmt, operation, err, summary, true);
}

export const mgmtOpen = (rt: PollerRuntime, st: EndpointState) => st.mgmt.until <= rt.clock.now() && rt.mgmtUntil <= rt.clock.now();
