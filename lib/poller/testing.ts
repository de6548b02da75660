/**
 * Helpers for the poller's database tests: an in-process simulator on port 0 with a virtual clock,
 * a RunPod client that never sleeps (retries off, no rate-limit waits), and pollers scoped to the
 * test's own endpoints (ids carry a unique tag, so tests sharing one database never see each other).
 */
import { randomBytes } from "node:crypto";
import { createPrismaClient, type PrismaClient } from "@/lib/db";
import { moduleLease } from "@/lib/data/leases";
import { createRunpodClient, type RunpodClient } from "@/lib/runpod/client";
import { startSimulator, type Simulator } from "@/lib/simulator";
import type { Faults, ScenarioInput } from "@/lib/simulator/scenario";
import type { PollerClient } from "@/lib/poller/client";
import { createPoller, type Poller } from "@/lib/poller/runner";
import type { PollerConfig, PollerModule } from "@/lib/poller/types";

export type EndpointSpec = NonNullable<ScenarioInput["endpoints"]>[number];

let clockSlot = 0;

export interface PollerTestEnv {
  tag: string;
  prisma: PrismaClient;
  sim: Simulator;
  client: RunpodClient;
  /** Endpoint id for a short name used in the scenario (`${tag}-${name}`). */
  ep(name: string): string;
  poller(opts?: { instanceId?: string; config?: Partial<PollerConfig>; modules?: PollerModule[]; client?: PollerClient }): Poller;
  /** Moves simulated time (simulator and pollers share the clock), letting HTTP and webhooks flow. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export const TEST_POLLER_CONFIG: Partial<PollerConfig> = {
  healthIntervalMs: 10_000,
  workersIntervalMs: 15_000,
  jobsIntervalMs: 3_000,
  queuedMaxIntervalMs: 60_000,
  leaseMs: 30_000,
  concurrency: 8,
  logReadMs: 3_000,
  logHeadersMs: 150,
  logIdleMs: 150,
  managementPerMinute: 1_000,
};

export async function setupPollerTest(input: {
  endpoints: (Omit<EndpointSpec, "id"> & { name: string })[];
  faults?: Partial<Faults>;
  scenario?: Omit<ScenarioInput, "endpoints">;
}): Promise<PollerTestEnv> {
  const tag = `t${randomBytes(4).toString("hex")}`;
  const ep = (name: string) => `${tag}-${name}`;
  // Each test gets its own stretch of simulated time so that liveness windows never overlap.
  const startTime = Date.parse("2026-06-01T00:00:00Z") + clockSlot++ * 86_400_000 + Math.floor(Math.random() * 1000) * 3_600_000 * 24;
  const sim = await startSimulator({
    scenario: {
      name: tag,
      ...(input.scenario ?? {}),
      rateLimits: { management: { minute: 10_000, hour: 100_000, day: 1_000_000 }, ...(input.scenario?.rateLimits ?? {}) },
      endpoints: input.endpoints.map(({ name, ...rest }) => ({ ...rest, id: ep(name), name })),
    } as ScenarioInput,
    clock: "virtual",
    startTime,
    // job ids come from the seeded RNG: a seed per test keeps ids unique across tests sharing the database
    seed: randomBytes(4).readUInt32BE(0),
    faults: input.faults,
  });
  const client = createRunpodClient({
    apiKey: sim.apiKey,
    apiBase: sim.url,
    restBase: sim.url,
    retries: 0,
    timeoutMs: 3_000,
    maxRateLimitWaitMs: 0,
    clock: () => sim.clock.now(),
    sleep: async () => undefined,
  });
  const prisma = createPrismaClient(process.env.DATABASE_URL!, { max: 10 });
  // Test files share one database and each runs on its own stretch of virtual time: a cluster-module
  // lease left by an earlier test may expire far in this test's future, so start without any.
  await prisma.lease.deleteMany({ where: { resource: { startsWith: moduleLease("") } } });
  const pollers: Poller[] = [];
  return {
    tag,
    prisma,
    sim,
    client,
    ep,
    poller(opts = {}) {
      const p = createPoller({
        prisma,
        client: opts.client ?? client,
        clock: sim.clock,
        instanceId: opts.instanceId ?? `${tag}-p${pollers.length + 1}`,
        // each test is its own RunPod account: its own management budget in the shared rate_limits table
        config: { ...TEST_POLLER_CONFIG, managementBudgetKey: `runpod:management:${tag}`, ...opts.config, endpointFilter: (id) => id.startsWith(`${tag}-`) },
        modules: opts.modules ?? [],
      });
      pollers.push(p);
      return p;
    },
    advance: (ms) => sim.advanceAsync(ms, 500),
    async close() {
      await prisma.pollerInstance.updateMany({ where: { id: { startsWith: tag } }, data: { stoppedAt: new Date(sim.clock.now()) } }).catch(() => undefined);
      await sim.close();
      await prisma.$disconnect();
    },
  };
}

/** Row counts of everything the poller writes for the test's endpoints. */
export async function countRows(prisma: PrismaClient, tag: string) {
  const ep = { startsWith: `${tag}-` };
  const [endpoints, snapshots, workers, workerEvents, jobs, transitions, logLines, pollErrors] = await Promise.all([
    prisma.endpoint.count({ where: { id: ep } }),
    prisma.healthSnapshot.count({ where: { endpointId: ep } }),
    prisma.worker.count({ where: { endpointId: ep } }),
    prisma.workerEvent.count({ where: { endpointId: ep } }),
    prisma.job.count({ where: { endpointId: ep } }),
    prisma.jobTransition.count({ where: { job: { endpointId: ep } } }),
    prisma.logLine.count({ where: { endpointId: ep } }),
    prisma.pollError.count({ where: { endpointId: ep } }),
  ]);
  return { endpoints, snapshots, workers, workerEvents, jobs, transitions, logLines, pollErrors };
}

/** An endpoint whose workers abort with the random_device error on every start (the product's case). */
export const RANDOM_DEVICE_LOOP = {
  name: "rd",
  image: "acme/tf:2.19-r1",
  workers: { min: 1, max: 2, idleTimeout: 5 },
  coldStartMs: 3_000,
  restartMs: 1_000,
  behaviour: { type: "crash_loop" as const, crash: "random_device" as const, crashAfterMs: 2_000, backoff: { initialMs: 5_000, factor: 2, maxMs: 20_000 } },
};

/** One RunPod call a poller made, at simulated time `at`. */
export interface RecordedCall {
  at: number;
  op: "status" | "health" | "listWorkers" | "listEndpoints" | "workerLogs" | "run";
  endpointId: string | null;
  /** /status only: the job asked about. */
  jobId?: string;
}

/** Wraps a client so a test sees every call the poller makes (time, operation, endpoint). */
export function recordingClient(e: PollerTestEnv, calls: RecordedCall[]): PollerClient {
  const c = e.client;
  const rec = <A extends unknown[], R>(op: RecordedCall["op"], fn: (...a: A) => Promise<R>, ep: (a: A) => string | null) => (...a: A) => {
    calls.push({ at: e.sim.clock.now(), op, endpointId: ep(a), ...(op === "status" ? { jobId: String(a[1]) } : {}) });
    return fn(...a);
  };
  return {
    run: rec("run", c.run.bind(c), (a) => a[0]),
    status: rec("status", c.status.bind(c), (a) => a[0]),
    health: rec("health", c.health.bind(c), (a) => a[0]),
    listWorkers: rec("listWorkers", c.listWorkers.bind(c), (a) => a[0]),
    workerLogs: rec("workerLogs", c.workerLogs.bind(c), (a) => a[0]),
    listEndpoints: rec("listEndpoints", c.listEndpoints.bind(c), () => null),
    rateLimitState: () => c.rateLimitState(),
  };
}

/** Moves the virtual clock `ms` forward in `step`s, ticking the poller after each step. */
export async function runFor(e: PollerTestEnv, p: { tick(): Promise<unknown> }, ms: number, step = 1_000): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await e.advance(step);
    await p.tick();
  }
}
