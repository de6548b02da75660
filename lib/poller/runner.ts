import os from "node:os";
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createLogger, type Logger } from "@/lib/log";
import { moduleLease, tryTakeExclusive } from "@/lib/data/leases";
import { markPollerStopped, recordPollerTick, registerPollerInstance } from "@/lib/data/poller-instances";
import type { PollerClient } from "@/lib/poller/client";
import { pollerConfig } from "@/lib/poller/config";
import { listPollerModules } from "@/lib/poller/modules";
import { systemClock, type PollerClock, type PollerConfig, type PollerContext, type PollerModule } from "@/lib/poller/types";
import { createRuntime, failChannel, mgmtOpen, recordError, refreshBudget, type Channel, type EndpointState, type TickSummary } from "@/lib/poller/runtime";
import { discover } from "@/lib/poller/steps/discovery";
import { pollHealth } from "@/lib/poller/steps/health";
import { pollJobs } from "@/lib/poller/steps/jobs";
import { pollWorkers } from "@/lib/poller/steps/workers";
import { readWorkerLogs } from "@/lib/poller/steps/logs";
import { releaseEndpointLeases, renewEndpointLeases, takeEndpointLeases } from "@/lib/poller/leases";

export interface CreatePollerOptions {
  prisma: PrismaClient;
  client: PollerClient;
  clock?: PollerClock;
  config?: Partial<PollerConfig>;
  instanceId?: string;
  log?: Logger;
  /** Default: every module registered in lib/poller/modules.ts. */
  modules?: PollerModule[];
  version?: string;
}

export interface Poller {
  readonly instanceId: string;
  readonly config: PollerConfig;
  /** One full cycle: leases, discovery, health, workers, jobs, logs, modules, PollerInstance.lastTickAt. */
  tick(): Promise<TickSummary>;
  /** Runs tick() every config.tickMs (never overlapping) until stop(). */
  start(): void;
  /** Stops after the tick in flight, gives the endpoint leases back and marks the instance stopped. */
  stop(): Promise<void>;
  heldEndpoints(): string[];
}

export function newInstanceId(): string {
  return `${os.hostname().slice(0, 60)}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

export function createPoller(opts: CreatePollerOptions): Poller {
  const { prisma, client } = opts;
  const clock = opts.clock ?? systemClock;
  const config = pollerConfig(opts.config);
  const instanceId = opts.instanceId ?? newInstanceId();
  const log = opts.log ?? createLogger("poller");
  const modules = opts.modules ?? listPollerModules();
  const rt = createRuntime({ prisma, client, clock, config, instanceId, log });
  const { states, featureCtx, nowDate } = rt;
  const moduleRuns = new Map<string, number>();
  let held: string[] = [];
  let registered = false;
  let inFlight: Promise<TickSummary> | null = null;
  let loop: Promise<void> | null = null;
  let stopping = false;
  let wake: (() => void) | null = null;

  /**
   * One endpoint's due work. /health, /status and the management API each have their own schedule
   * and back-off: a failure of one never delays or skips the others. /status runs before the
   * management calls, so a slow or refused management API cannot hold it up.
   */
  async function workEndpoint(endpointId: string, summary: TickSummary, listGrants: Set<string>) {
    const st = states.get(endpointId);
    if (!st) return;
    const now = clock.now();
    const guard = async (ch: Channel, operation: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (err) {
        // not a RunPod failure (those are handled inside): a database error, a bug
        await failChannel(rt, endpointId, ch, operation, err, summary, false);
      }
    };
    if ((st.healthAt === null || now - st.healthAt >= config.healthIntervalMs) && st.health.until <= now) {
      await guard(st.health, "health", async () => void (await pollHealth(rt, endpointId, st, summary)));
    }
    if (st.missing) return; // deleted or mistyped: nothing to poll until /health answers again
    if ((st.jobsAt === null || now - st.jobsAt >= config.jobsIntervalMs) && st.jobs.until <= now) {
      await guard(st.jobs, "status", () => pollJobs(rt, endpointId, st, summary));
    }
    let logTargets: { ids: string[]; fresh: Set<string> } | null = null;
    if (listGrants.has(endpointId) && mgmtOpen(rt, st)) {
      await guard(st.mgmt, "listWorkers", async () => {
        logTargets = await pollWorkers(rt, endpointId, st, summary);
      });
    }
    // log streams are read last: a bounded read can take seconds and must not delay job polls
    const targets = logTargets as { ids: string[]; fresh: Set<string> } | null;
    if (targets) await guard(st.mgmt, "workerLogs", () => readWorkerLogs(rt, endpointId, st, targets.ids, targets.fresh, summary));
  }

  /**
   * Worker lists take their management calls least-recently-listed first, before the endpoints run in
   * parallel: with a budget smaller than the demand, each endpoint gets its turn (and the log reads that
   * follow a list) instead of whichever endpoint's request reached the shared bucket first, which left
   * one crash loop's logs unread for minutes.
   */
  async function grantWorkerLists(ids: string[]): Promise<Set<string>> {
    const now = clock.now();
    const due = ids
      .map((id) => ({ id, st: states.get(id) }))
      .filter((e): e is { id: string; st: EndpointState } => !!e.st && !e.st.missing && (e.st.workersAt === null || now - e.st.workersAt >= config.workersIntervalMs) && mgmtOpen(rt, e.st))
      .sort((a, b) => (a.st.workersAt ?? -1) - (b.st.workersAt ?? -1));
    const granted = new Set<string>();
    for (const { id } of due) {
      if (!(await rt.budget.tryTake("routine"))) break;
      granted.add(id);
    }
    return granted;
  }

  function context(summary: TickSummary): PollerContext {
    return {
      ctx: featureCtx,
      prisma,
      client,
      clock,
      config,
      instanceId,
      log,
      endpoints: [...held],
      now: summary.at,
      recordError: (input) => recordError(rt, input, summary),
      limit: (fn) => rt.limit(fn),
    };
  }

  async function runModules(summary: TickSummary) {
    for (const m of modules) {
      const now = clock.now();
      const last = moduleRuns.get(m.name);
      if (last !== undefined && now - last < m.everyMs) continue;
      moduleRuns.set(m.name, now);
      try {
        if (m.scope === "cluster") {
          const mine = await tryTakeExclusive(prisma, { holder: instanceId, resource: moduleLease(m.name), now: new Date(now), ttlMs: m.everyMs });
          if (!mine) continue;
        }
        await m.run(context(summary));
        summary.modules.push(m.name);
      } catch (err) {
        await recordError(rt, { operation: `module:${m.name}`.slice(0, 64), error: err }, summary);
      }
    }
  }

  async function doTick(): Promise<TickSummary> {
    const at = nowDate();
    const summary: TickSummary = {
      at,
      endpoints: [],
      discovered: 0,
      healthSnapshots: 0,
      workerPolls: 0,
      workerEvents: 0,
      jobPolls: 0,
      jobTransitions: 0,
      jobsExpired: 0,
      logReads: 0,
      logLines: 0,
      errors: 0,
      modules: [],
    };
    if (!registered) {
      await registerPollerInstance(prisma, { id: instanceId, hostname: os.hostname().slice(0, 255), pid: process.pid, version: opts.version ?? null, startedAt: at });
      registered = true;
    }
    refreshBudget(rt);
    await discover(rt, summary);
    held = await takeEndpointLeases(rt, at);
    summary.endpoints = [...held];
    const listGrants = await grantWorkerLists(held);
    await Promise.all(held.map((id) => workEndpoint(id, summary, listGrants)));
    await runModules(summary);
    // a long tick (slow modules, slow log streams) must not let the leases lapse under us
    if (held.length && clock.now() - at.getTime() > config.leaseMs / 3) {
      held = await renewEndpointLeases(rt, held);
    }
    await recordPollerTick(prisma, { id: instanceId, at: nowDate() });
    log.debug("tick", { ...summary, at: summary.at.toISOString() });
    return summary;
  }

  function tick(): Promise<TickSummary> {
    if (inFlight) return inFlight;
    inFlight = doTick().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  function start() {
    if (loop) return;
    stopping = false;
    loop = (async () => {
      while (!stopping) {
        try {
          await tick();
        } catch (err) {
          // A database outage ends this tick only; the next one tries again.
          log.error("tick failed", { error: err });
        }
        if (stopping) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, config.tickMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = null;
      }
    })();
  }

  async function stop() {
    stopping = true;
    wake?.();
    if (loop) await loop;
    else if (inFlight) await inFlight.catch(() => undefined);
    loop = null;
    try {
      await releaseEndpointLeases(rt, held);
      held = [];
      if (registered) await markPollerStopped(prisma, { id: instanceId, at: nowDate() });
    } catch (err) {
      log.warn("could not release leases on stop", { error: err });
    }
  }

  return { instanceId, config, tick, start, stop, heldEndpoints: () => [...held] };
}
