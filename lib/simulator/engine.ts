import type { Clock, TimerHandle } from "./clock";
import { TERMINAL_JOB_STATUSES, type RunpodJobStatus } from "@/lib/domain/job/status";
import { hashSeed, rngFromState, type Rng } from "@/lib/domain/prng";
import { alnum, uuid } from "./ids";
import type { Behaviour, EndpointConfig, Scenario } from "./scenario";
import { evaluateObjective, ObjectiveInputError, sampleInput } from "./objective";
import {
  crashOutput,
  cudaBanner,
  EXIT_CODES,
  handlerErrorString,
  midJobCrashLines,
  runpodBanner,
  tensorflowStartup,
} from "./worker-output";

/**
 * The simulated RunPod: endpoints, their workers and jobs, driven only by the
 * injected clock and a seeded PRNG. HTTP lives in server.ts; this module has no I/O
 * except webhook delivery, which is handed to an injected sender.
 */

/** The simulator never answers RUNNING (production does not either). */
export type JobStatus = Exclude<RunpodJobStatus, "RUNNING">;
export type WorkerStatus = "INITIALIZING" | "IDLE" | "RUNNING" | "THROTTLED" | "UNHEALTHY";
export const TERMINAL: ReadonlySet<JobStatus> = new Set(TERMINAL_JOB_STATUSES);

export interface JobRequest {
  input?: unknown;
  webhook?: unknown;
  policy?: { executionTimeout?: unknown; ttl?: unknown; lowPriority?: unknown } | null;
  [k: string]: unknown;
}

export interface SimJob {
  id: string;
  endpointId: string;
  input: unknown;
  webhook: string | undefined;
  executionTimeoutMs: number;
  ttlMs: number;
  lowPriority: boolean;
  sync: boolean;
  status: JobStatus;
  createdAt: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  delayTime: number | undefined;
  executionTime: number | undefined;
  output: unknown;
  error: string | undefined;
  workerId: string | undefined;
  retries: number;
  removed: boolean;
  /** Chunks produced since the last /stream drain. */
  stream: unknown[];
  qIndex: number;
  ttlTimer: TimerHandle | null;
  runTimer: TimerHandle | null;
  chunkTimer: TimerHandle | null;
  retentionTimer: TimerHandle | null;
  listeners: (() => void)[] | null;
}

export interface LogLine {
  seq: number;
  /** Simulated time (ms). */
  ts: number;
  /** Nanoseconds within the millisecond (container lines carry ns timestamps on RunPod; system lines whole seconds). */
  ns: number;
  source: "container" | "system";
  line: string;
}

export interface SimWorker {
  id: string;
  endpointId: string;
  status: WorkerStatus;
  startedAt: number | null;
  version: number;
  image: string;
  gpuTypeId: string | null;
  dataCenterId: string | null;
  job: SimJob | null;
  crashes: number;
  consecutiveCrashes: number;
  retiring: boolean;
  removed: boolean;
  timer: TimerHandle | null;
  idleTimer: TimerHandle | null;
  logs: LogLine[];
  logHead: number;
  subscribers: Set<(l: LogLine | null) => void>;
  /** A real worker speaking the worker protocol (behaviour "external"). */
  external: boolean;
  /** External workers: jobs in flight, job ids the platform wants stopped, waiting job-stop polls. */
  extJobs: Set<SimJob>;
  stopList: string[];
  stopWaiters: (() => void)[];
}

export interface EndpointState {
  config: EndpointConfig;
  id: string;
  version: number;
  image: string;
  behaviour: Behaviour;
  createdAt: number;
  workers: Map<string, SimWorker>;
  idle: Set<SimWorker>;
  queue: (SimJob | undefined)[];
  qHead: number;
  qBase: number;
  inQueue: number;
  inQueueNormal: number;
  inProgress: number;
  completed: number;
  failed: number;
  retried: number;
  startedJobs: number;
  crashOnceDone: boolean;
  trafficSent: number;
  history: { at: number; version: number; image: string; behaviour: string; note?: string }[];
  /** Deleted from the account (DELETE /_sim/endpoints/{id}): every API answers 404 for it from then on. */
  deleted: boolean;
  /** job-take long polls waiting for the queue to get a job. */
  queueWaiters: (() => void)[];
  /** Per-endpoint stream for job and worker ids: ids depend on (seed, endpoint id, order on this endpoint). */
  rng: Rng;
}

export interface WebhookDelivery {
  jobId: string;
  url: string;
  attempt: number;
  at: number;
  ok: boolean;
  status: number | null;
  error?: string;
}

export type WebhookSender = (url: string, body: string, timeoutMs: number) => Promise<number>;

export interface EngineOptions {
  scenario: Scenario;
  clock: Clock;
  seed: number;
  sendWebhook?: WebhookSender;
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const LOG_CAPACITY = 5000;
const DAY = 86_400_000;

/** A new worker's bookkeeping; `fields` are what differ between a simulated and an external worker. */
function newWorker(ep: EndpointState, fields: Pick<SimWorker, "id" | "status" | "startedAt" | "gpuTypeId" | "dataCenterId" | "external">): SimWorker {
  return {
    id: fields.id,
    endpointId: ep.id,
    status: fields.status,
    startedAt: fields.startedAt,
    version: ep.version,
    image: ep.image,
    gpuTypeId: fields.gpuTypeId,
    dataCenterId: fields.dataCenterId,
    job: null,
    crashes: 0,
    consecutiveCrashes: 0,
    retiring: false,
    removed: false,
    timer: null,
    idleTimer: null,
    logs: [],
    logHead: 0,
    subscribers: new Set(),
    external: fields.external,
    extJobs: new Set(),
    stopList: [],
    stopWaiters: [],
  };
}

/** A job taken by a worker: IN_PROGRESS from `now`, counted on its endpoint. */
function markStarted(ep: EndpointState, w: SimWorker, job: SimJob, now: number): void {
  job.status = "IN_PROGRESS";
  job.startedAt = now;
  job.delayTime = now - job.createdAt;
  job.workerId = w.id;
  ep.inProgress++;
  ep.startedJobs++;
}

export class SimEngine {
  readonly scenario: Scenario;
  readonly clock: Clock;
  readonly seed: number;
  readonly endpoints = new Map<string, EndpointState>();
  readonly jobs = new Map<string, SimJob>();
  readonly webhookDeliveries: WebhookDelivery[] = [];
  private readonly sendWebhook: WebhookSender | undefined;
  private readonly pending = new Set<Promise<unknown>>();
  private logSeq = 0;
  private lastContainerNs = new WeakMap<SimWorker, { ms: number; ns: number }>();
  private timers = new Set<TimerHandle>();
  private closed = false;

  constructor(opts: EngineOptions) {
    this.scenario = opts.scenario;
    this.clock = opts.clock;
    this.seed = opts.seed;
    this.sendWebhook = opts.sendWebhook;
    for (const cfg of opts.scenario.endpoints) this.addEndpoint(cfg);
  }

  // ---- timers -----------------------------------------------------------------

  private after(ms: number, fn: () => void): TimerHandle {
    const h = this.clock.setTimer(() => {
      this.timers.delete(h);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(h);
    return h;
  }

  private clear(h: TimerHandle | null | undefined) {
    if (h) {
      this.clock.clearTimer(h);
      this.timers.delete(h);
    }
  }

  close() {
    this.closed = true;
    for (const h of this.timers) this.clock.clearTimer(h);
    this.timers.clear();
    for (const ep of this.endpoints.values()) for (const w of ep.workers.values()) this.endLogSubscribers(w);
  }

  /** Resolves when in-flight webhook deliveries have settled. */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  // ---- endpoints --------------------------------------------------------------

  private addEndpoint(cfg: EndpointConfig) {
    const now = this.clock.now();
    const ep: EndpointState = {
      config: cfg,
      id: cfg.id,
      version: cfg.version,
      image: cfg.image,
      behaviour: cfg.behaviour,
      createdAt: now - 30 * DAY,
      workers: new Map(),
      idle: new Set(),
      queue: [],
      qHead: 0,
      qBase: 0,
      inQueue: 0,
      inQueueNormal: 0,
      inProgress: 0,
      completed: 0,
      failed: 0,
      retried: 0,
      startedJobs: 0,
      crashOnceDone: false,
      trafficSent: 0,
      deleted: false,
      queueWaiters: [],
      rng: rngFromState(hashSeed(this.seed, `ids:${cfg.id}`)),
      history: [{ at: now, version: cfg.version, image: cfg.image, behaviour: describe(cfg.behaviour), note: "initial" }],
    };
    this.endpoints.set(cfg.id, ep);
    for (const ev of [...cfg.timeline].sort((a, b) => a.atMinute - b.atMinute)) {
      this.after(ev.atMinute * 60_000, () => {
        if (ev.workers) this.changeWorkerSettings(ep, ev.workers, ev.behaviour || ev.image ? undefined : ev.note);
        if (ev.behaviour || ev.image) this.applyChange(ep, ev.behaviour, ev.image, ev.note);
      });
    }
    if (cfg.traffic) {
      const t = cfg.traffic;
      const rng = rngFromState(hashSeed(this.seed, `traffic:${cfg.id}`));
      const tick = () => {
        if (t.maxJobs !== undefined && ep.trafficSent >= t.maxJobs) return;
        ep.trafficSent++;
        this.submit(cfg.id, { input: t.input ?? sampleInput(cfg.objective, rng), policy: t.policy }, { sync: false, bypassLimits: true });
        this.after(t.intervalMs, tick);
      };
      this.after(t.startAfterMs, tick);
    }
    this.reconcile(ep);
  }

  getEndpoint(id: string): EndpointState | undefined {
    const ep = this.endpoints.get(id);
    return ep && !ep.deleted ? ep : undefined;
  }

  /** Endpoints that still exist (not deleted), in scenario order. */
  listEndpoints(): EndpointState[] {
    return [...this.endpoints.values()].filter((ep) => !ep.deleted);
  }

  /** The endpoint disappears from every API (404), as after a delete in RunPod's console; false if unknown. */
  deleteEndpoint(id: string): boolean {
    const ep = this.getEndpoint(id);
    if (!ep) return false;
    ep.deleted = true;
    return true;
  }

  /** min/max/idleTimeout change without a rollout (no version bump); the pool follows at once. */
  changeWorkerSettings(ep: EndpointState, w: { min?: number; max?: number; idleTimeout?: number }, note?: string) {
    const next = { ...ep.config.workers, ...w };
    if (next.max < next.min) next.min = next.max;
    ep.config = { ...ep.config, workers: next };
    ep.history.push({ at: this.clock.now(), version: ep.version, image: ep.image, behaviour: describe(ep.behaviour), note: note ?? `workers min ${next.min} max ${next.max}` });
    this.reconcile(ep);
    // idle workers above the new max go at once
    for (const wk of [...ep.idle]) if (ep.workers.size > next.max) this.terminateWorker(wk, "scaled down");
  }

  /** Rolls out a new image and/or behaviour: the version goes up, stale workers are replaced. */
  applyChange(ep: EndpointState, behaviour?: Behaviour, image?: string, note?: string) {
    if (image !== undefined && image !== ep.image) {
      ep.image = image;
      ep.version++;
    }
    if (behaviour) ep.behaviour = behaviour;
    // a new behaviour with a one-off crash gets its own crash, counted from the change
    if (behaviour && (behaviour.type === "one_off_crash" || (behaviour.type === "healthy" && behaviour.crashOnce))) {
      ep.crashOnceDone = false;
      ep.startedJobs = 0;
    }
    ep.history.push({ at: this.clock.now(), version: ep.version, image: ep.image, behaviour: describe(ep.behaviour), note });
    for (const w of [...ep.workers.values()]) {
      if (w.status === "RUNNING") w.retiring = true;
      else this.terminateWorker(w, "rolling update");
    }
    this.reconcile(ep);
  }

  // ---- jobs ---------------------------------------------------------------------

  submit(endpointId: string, body: JobRequest, opts: { sync: boolean; bypassLimits?: boolean }): SimJob {
    const ep = this.endpoints.get(endpointId);
    if (!ep) throw new SimError(404, "endpoint not found");
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new SimError(400, "bad request: body must be a JSON object");
    if (body.input === undefined || body.input === null) throw new SimError(400, "bad request: body: input is required");
    const policy = body.policy ?? {};
    if (typeof policy !== "object") throw new SimError(400, "bad request: policy must be an object");
    const execTimeout = policy.executionTimeout ?? ep.config.executionTimeoutMs;
    const ttl = policy.ttl ?? DAY;
    if (typeof execTimeout !== "number" || !Number.isInteger(execTimeout) || execTimeout < 5_000 || execTimeout > 7 * DAY)
      throw new SimError(400, "bad request: policy.executionTimeout must be an integer between 5000 and 604800000 ms");
    if (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 10_000 || ttl > 7 * DAY)
      throw new SimError(400, "bad request: policy.ttl must be an integer between 10000 and 604800000 ms");
    if (body.webhook !== undefined && (typeof body.webhook !== "string" || !/^https?:\/\//.test(body.webhook)))
      throw new SimError(400, "bad request: webhook must be an http(s) URL");
    if (!opts.bypassLimits && this.scenario.rateLimits.jobs.enabled && this.scenario.rateLimits.jobs.queueSizeRule) {
      if (ep.inQueue > 50 && ep.inQueue > ep.config.workers.max * 500) throw new SimError(429, "queue is full");
    }
    const id = `${opts.sync ? "sync-" : ""}${uuid(ep.rng)}${ep.config.jobIdSuffix}`;
    const job: SimJob = {
      id,
      endpointId,
      input: body.input,
      webhook: body.webhook as string | undefined,
      executionTimeoutMs: execTimeout,
      ttlMs: ttl,
      lowPriority: policy.lowPriority === true,
      sync: opts.sync,
      status: "IN_QUEUE",
      createdAt: this.clock.now(),
      startedAt: undefined,
      finishedAt: undefined,
      delayTime: undefined,
      executionTime: undefined,
      output: undefined,
      error: undefined,
      workerId: undefined,
      retries: 0,
      removed: false,
      stream: [],
      qIndex: -1,
      ttlTimer: null,
      runTimer: null,
      chunkTimer: null,
      retentionTimer: null,
      listeners: null,
    };
    this.jobs.set(id, job);
    job.ttlTimer = this.after(ttl, () => this.expireTtl(job));
    this.enqueue(ep, job);
    this.reconcile(ep);
    this.dispatch(ep);
    return job;
  }

  /** A job is only visible on the endpoint that created it. */
  getJob(endpointId: string, jobId: string): SimJob | undefined {
    const j = this.jobs.get(jobId);
    return j && j.endpointId === endpointId ? j : undefined;
  }

  statusDoc(job: SimJob): Record<string, unknown> {
    const d: Record<string, unknown> = { id: job.id, status: job.status };
    if (job.delayTime !== undefined) d.delayTime = job.delayTime;
    if (job.executionTime !== undefined) d.executionTime = job.executionTime;
    if (job.output !== undefined) d.output = job.output;
    if (job.error !== undefined) d.error = job.error;
    if (job.workerId !== undefined) d.workerId = job.workerId;
    if (job.retries > 0) d.retries = job.retries;
    return d;
  }

  /** Calls fn on every change of the job (state, stream chunk, removal). Returns an unsubscribe. */
  onJobChange(job: SimJob, fn: () => void): () => void {
    (job.listeners ??= []).push(fn);
    return () => {
      if (!job.listeners) return;
      const i = job.listeners.indexOf(fn);
      if (i >= 0) job.listeners.splice(i, 1);
    };
  }

  private notify(job: SimJob) {
    const ls = job.listeners;
    if (!ls || ls.length === 0) return;
    job.listeners = null;
    for (const fn of ls) fn();
  }

  cancel(endpointId: string, jobId: string): SimJob {
    const job = this.getJob(endpointId, jobId);
    if (!job) throw new SimError(404, "request does not exist");
    if (TERMINAL.has(job.status)) return job;
    const ep = this.endpoints.get(endpointId)!;
    if (job.status === "IN_QUEUE") {
      this.dequeueRemove(ep, job);
      this.finish(job, "CANCELLED", {});
    } else {
      const w = this.workerOf(job);
      this.finish(job, "CANCELLED", {});
      if (w) {
        w.job = null;
        if (this.scenario.jobs.cancelRestartsWorker) this.restartWorker(w, "job cancelled");
        else this.becomeIdle(w);
      }
    }
    this.reconcile(ep);
    return job;
  }

  retry(endpointId: string, jobId: string): SimJob {
    const job = this.getJob(endpointId, jobId);
    if (!job) throw new SimError(404, "request does not exist");
    if (job.status !== "FAILED" && job.status !== "TIMED_OUT") throw new SimError(400, `job is ${job.status}; only FAILED or TIMED_OUT jobs can be retried`);
    const ep = this.endpoints.get(endpointId)!;
    this.clear(job.retentionTimer);
    job.retentionTimer = null;
    job.status = "IN_QUEUE";
    job.output = undefined;
    job.error = undefined;
    job.delayTime = undefined;
    job.executionTime = undefined;
    job.workerId = undefined;
    job.startedAt = undefined;
    job.finishedAt = undefined;
    job.stream = [];
    job.retries++;
    ep.retried++;
    job.createdAt = this.clock.now();
    job.ttlTimer = this.after(job.ttlMs, () => this.expireTtl(job));
    this.enqueue(ep, job);
    this.notify(job);
    this.reconcile(ep);
    this.dispatch(ep);
    return job;
  }

  purgeQueue(endpointId: string): number {
    const ep = this.endpoints.get(endpointId);
    if (!ep) throw new SimError(404, "endpoint not found");
    let removed = 0;
    for (let i = ep.qHead; i < ep.queue.length; i++) {
      const job = ep.queue[i];
      if (job && job.status === "IN_QUEUE" && job.qIndex === ep.qBase + i) {
        ep.queue[i] = undefined;
        job.qIndex = -1;
        ep.inQueue--;
        if (!job.lowPriority) ep.inQueueNormal--;
        this.removeJob(job);
        removed++;
      }
    }
    this.compact(ep, true);
    this.reconcile(ep);
    return removed;
  }

  /**
   * GET /health. By default only the counters RunPod documents (its example has jobs.* and, under
   * workers, only idle and running: docs/runpod-api.md 2.8); scenario `health.counters: all` adds the
   * undocumented ones (initializing, ready, throttled, unhealthy) seen in SDK types and some traffic.
   */
  health(endpointId: string) {
    const ep = this.getEndpoint(endpointId);
    if (!ep) throw new SimError(404, "endpoint not found");
    const s = this.summary(ep);
    const jobs = { completed: ep.completed, failed: ep.failed, inProgress: ep.inProgress, inQueue: ep.inQueue, retried: ep.retried };
    if (this.scenario.health.counters === "documented") return { jobs, workers: { idle: s.idle, running: s.running } };
    return { jobs, workers: { idle: s.idle, initializing: s.initializing, ready: s.idle, running: s.running, throttled: s.throttled, unhealthy: s.unhealthy } };
  }

  /** Every counter, whatever the scenario sends (the simulator's own state view and tests' ground truth). */
  fullHealth(endpointId: string) {
    const ep = this.endpoints.get(endpointId);
    if (!ep) throw new SimError(404, "endpoint not found");
    const s = this.summary(ep);
    return {
      jobs: { completed: ep.completed, failed: ep.failed, inProgress: ep.inProgress, inQueue: ep.inQueue, retried: ep.retried },
      workers: { idle: s.idle, initializing: s.initializing, ready: s.idle, running: s.running, throttled: s.throttled, unhealthy: s.unhealthy },
    };
  }

  private enqueue(ep: EndpointState, job: SimJob) {
    job.qIndex = ep.qBase + ep.queue.length;
    ep.queue.push(job);
    ep.inQueue++;
    if (!job.lowPriority) ep.inQueueNormal++;
    this.notify(job);
    if (ep.queueWaiters.length) {
      const ws = ep.queueWaiters;
      ep.queueWaiters = [];
      for (const fn of ws) fn();
    }
  }

  private dequeue(ep: EndpointState): SimJob | undefined {
    while (ep.qHead < ep.queue.length) {
      const i = ep.qHead++;
      const job = ep.queue[i];
      ep.queue[i] = undefined;
      if (job && job.status === "IN_QUEUE" && job.qIndex === ep.qBase + i) {
        job.qIndex = -1;
        ep.inQueue--;
        if (!job.lowPriority) ep.inQueueNormal--;
        this.compact(ep, false);
        return job;
      }
    }
    this.compact(ep, false);
    return undefined;
  }

  private dequeueRemove(ep: EndpointState, job: SimJob) {
    if (job.qIndex < 0) return;
    const i = job.qIndex - ep.qBase;
    if (ep.queue[i] === job) ep.queue[i] = undefined;
    job.qIndex = -1;
    ep.inQueue--;
    if (!job.lowPriority) ep.inQueueNormal--;
  }

  private compact(ep: EndpointState, force: boolean) {
    if (ep.qHead > 0 && (force || ep.qHead > 1024) && ep.qHead * 2 >= ep.queue.length) {
      ep.queue = ep.queue.slice(ep.qHead);
      ep.qBase += ep.qHead;
      ep.qHead = 0;
    }
  }

  private expireTtl(job: SimJob) {
    job.ttlTimer = null;
    if (job.removed || TERMINAL.has(job.status)) return;
    const ep = this.endpoints.get(job.endpointId)!;
    if (job.status === "IN_QUEUE") {
      this.dequeueRemove(ep, job);
      if (this.scenario.jobs.ttlExpiredInQueue === "TIMED_OUT") this.finish(job, "TIMED_OUT", { error: "job expired (ttl) before a worker picked it up" });
      else this.removeJob(job);
    } else {
      // TTL expiry while running: the job disappears at once; the worker drops it (job-stop channel).
      const w = this.workerOf(job);
      ep.inProgress--;
      this.detachExternal(job, true);
      this.removeJob(job);
      if (w) {
        w.job = null;
        this.log(w, "container", `{"requestId": "${job.id}", "message": "Job cancelled by job-stop request (ttl expired).", "level": "WARN"}`);
        if (w.retiring) this.terminateWorker(w, "rolling update");
        else this.becomeIdle(w);
      }
    }
    this.reconcile(ep);
  }

  private removeJob(job: SimJob) {
    job.removed = true;
    this.clear(job.ttlTimer);
    this.clear(job.runTimer);
    this.clear(job.chunkTimer);
    this.clear(job.retentionTimer);
    job.ttlTimer = job.runTimer = job.chunkTimer = job.retentionTimer = null;
    this.jobs.delete(job.id);
    this.notify(job);
  }

  private finish(job: SimJob, status: JobStatus, f: { output?: unknown; error?: string; fromWorker?: boolean }) {
    const ep = this.endpoints.get(job.endpointId)!;
    const now = this.clock.now();
    if (job.status === "IN_PROGRESS") {
      ep.inProgress--;
      job.executionTime = now - (job.startedAt ?? now);
      this.detachExternal(job, !f.fromWorker);
    }
    job.status = status;
    job.finishedAt = now;
    if (f.output !== undefined) job.output = f.output;
    if (f.error !== undefined) job.error = f.error;
    this.clear(job.ttlTimer);
    this.clear(job.runTimer);
    this.clear(job.chunkTimer);
    job.ttlTimer = job.runTimer = job.chunkTimer = null;
    if (status === "COMPLETED") ep.completed++;
    else if (status === "FAILED" || status === "TIMED_OUT") ep.failed++;
    const keep = job.sync ? this.scenario.jobs.runsyncRetentionMs : this.scenario.jobs.runRetentionMs;
    job.retentionTimer = this.after(keep, () => {
      job.retentionTimer = null;
      this.removeJob(job);
    });
    if (job.webhook && (this.scenario.jobs.webhookStates as string[]).includes(status)) this.deliverWebhook(job, job.webhook, 1);
    this.notify(job);
  }

  private deliverWebhook(job: SimJob, url: string, attempt: number) {
    if (!this.sendWebhook) return;
    const payload = JSON.stringify({ ...this.statusDoc(job), input: job.input, webhook: url });
    const record: WebhookDelivery = { jobId: job.id, url, attempt, at: this.clock.now(), ok: false, status: null };
    const p = this.sendWebhook(url, payload, this.scenario.jobs.webhookTimeoutMs)
      .then((status) => {
        record.status = status;
        record.ok = status >= 200 && status < 300;
      })
      .catch((err: unknown) => {
        record.error = err instanceof Error ? err.message : String(err);
      })
      .finally(() => {
        this.pending.delete(p);
        if (this.webhookDeliveries.length >= 10_000) this.webhookDeliveries.shift();
        this.webhookDeliveries.push(record);
        if (!record.ok && attempt <= this.scenario.jobs.webhookRetries && !this.closed) {
          this.after(this.scenario.jobs.webhookRetryDelayMs, () => this.deliverWebhook(job, url, attempt + 1));
        }
      });
    this.pending.add(p);
  }

  // ---- workers ------------------------------------------------------------------

  /** Keeps the worker count between min and max, following demand (queued normal-priority + running jobs). */
  private reconcile(ep: EndpointState) {
    if (this.closed) return;
    const { min, max } = ep.config.workers;
    const b = ep.behaviour;
    if (b.type === "external") return;
    if (b.type === "no_capacity" && b.mode === "unplaced") {
      for (const w of [...ep.workers.values()]) if (w.status !== "RUNNING") this.terminateWorker(w, "no capacity");
      return;
    }
    const desired = Math.min(max, Math.max(min, ep.inQueueNormal + ep.inProgress));
    let active = 0;
    for (const w of ep.workers.values()) if (!w.retiring) active++;
    while (active < desired) {
      this.spawnWorker(ep);
      active++;
    }
    if (active > desired) {
      for (const w of [...ep.workers.values()]) {
        if (active <= desired) break;
        if (!w.retiring && (w.status === "THROTTLED" || w.status === "UNHEALTHY" || w.status === "INITIALIZING")) {
          this.terminateWorker(w, "scaled down");
          active--;
        }
      }
    }
  }

  private spawnWorker(ep: EndpointState): SimWorker {
    const w = newWorker(ep, { id: alnum(ep.rng, 14), status: "INITIALIZING", startedAt: null, gpuTypeId: null, dataCenterId: null, external: false });
    ep.workers.set(w.id, w);
    if (ep.behaviour.type === "no_capacity") {
      w.status = "THROTTLED";
      this.log(w, "system", `waiting for capacity: no ${ep.config.gpuTypeIds.join(" / ")} available in ${ep.config.dataCenterIds.join(", ")}`);
      return w;
    }
    w.gpuTypeId = ep.config.gpuTypeIds[ep.rng.int(ep.config.gpuTypeIds.length)];
    w.dataCenterId = ep.config.dataCenterIds[ep.rng.int(ep.config.dataCenterIds.length)];
    this.boot(w, ep, true);
    return w;
  }

  private boot(w: SimWorker, ep: EndpointState, first: boolean) {
    w.version = ep.version;
    w.image = ep.image;
    w.startedAt = this.clock.now();
    const b = ep.behaviour;
    w.status = !first && b.type === "crash_loop" && w.consecutiveCrashes > 0 && b.statusWhileRestarting === "UNHEALTHY" ? "UNHEALTHY" : "INITIALIZING";
    if (first) {
      this.log(w, "system", "create 20GB volume");
      this.log(w, "system", `pulling image ${w.image}`);
    }
    const delay = first ? ep.config.coldStartMs : ep.config.restartMs;
    this.clear(w.timer);
    w.timer = this.after(delay, () => {
      w.timer = null;
      if (first) this.log(w, "system", `image pulled: ${w.image}`);
      this.log(w, "system", `create container ${w.image}`);
      this.log(w, "system", "start container");
      this.containerStarted(w, ep);
    });
  }

  private containerStarted(w: SimWorker, ep: EndpointState) {
    const b = ep.behaviour;
    if (b.type === "crash_loop") {
      const out = crashOutput(b.crash, this.clock.now(), { missingModule: b.missingModule });
      if (b.containerOutput) for (const l of out.startup) this.log(w, "container", l);
      w.timer = this.after(b.crashAfterMs, () => {
        w.timer = null;
        if (b.containerOutput) for (const l of out.crash) this.log(w, "container", l);
        this.crashed(w, ep, EXIT_CODES[b.crash]);
      });
      return;
    }
    if (b.type === "no_capacity") {
      w.status = "THROTTLED";
      return;
    }
    for (const l of cudaBanner()) this.log(w, "container", l);
    for (const l of tensorflowStartup(this.clock.now())) this.log(w, "container", l);
    for (const l of runpodBanner()) this.log(w, "container", l);
    w.consecutiveCrashes = 0;
    this.becomeIdle(w);
  }

  private crashed(w: SimWorker, ep: EndpointState, exitCode: number) {
    w.crashes++;
    w.consecutiveCrashes++;
    this.log(w, "system", `container exited with code ${exitCode}`);
    w.status = "UNHEALTHY";
    this.setIdle(w, false);
    const job = w.job;
    w.job = null;
    if (job) this.loseJob(ep, job, `worker exited unexpectedly with code ${exitCode}`);
    if (w.retiring) {
      this.terminateWorker(w, "rolling update");
      this.reconcile(ep);
      this.dispatch(ep);
      return;
    }
    const b = ep.behaviour;
    const backoff =
      b.type === "crash_loop" ? Math.min(b.backoff.maxMs, b.backoff.initialMs * b.backoff.factor ** (w.consecutiveCrashes - 1)) : ep.config.restartMs;
    this.log(w, "system", `restarting container in ${Math.round(backoff / 1000)}s (back-off, restart ${w.crashes})`);
    w.timer = this.after(backoff, () => {
      w.timer = null;
      this.boot(w, ep, false);
    });
    this.reconcile(ep);
    this.dispatch(ep);
  }

  /** The worker running the job died: requeue with retries+1, or fail (jobs.onWorkerDeath). */
  private loseJob(ep: EndpointState, job: SimJob, error: string) {
    if (job.status !== "IN_PROGRESS") return;
    this.clear(job.runTimer);
    this.clear(job.chunkTimer);
    job.runTimer = job.chunkTimer = null;
    if (this.scenario.jobs.onWorkerDeath === "requeue" && job.retries < this.scenario.jobs.maxAutoRetries) {
      ep.inProgress--;
      this.detachExternal(job, false);
      job.retries++;
      ep.retried++;
      job.workerId = undefined;
      job.delayTime = undefined;
      job.startedAt = undefined;
      job.status = "IN_QUEUE";
      this.enqueue(ep, job);
    } else {
      this.finish(job, "FAILED", { error, fromWorker: true });
    }
  }

  /** Stop + start of the same worker (execution timeout, cancel): new startedAt, same id. */
  private restartWorker(w: SimWorker, reason: string) {
    const ep = this.endpoints.get(w.endpointId)!;
    this.setIdle(w, false);
    this.clear(w.timer);
    this.log(w, "system", `stop container (${reason})`);
    this.log(w, "system", "container exited with code 143");
    if (w.retiring) {
      this.terminateWorker(w, "rolling update");
      this.reconcile(ep);
      return;
    }
    this.boot(w, ep, false);
  }

  private becomeIdle(w: SimWorker) {
    const ep = this.endpoints.get(w.endpointId)!;
    if (w.retiring) {
      this.terminateWorker(w, "rolling update");
      this.reconcile(ep);
      return;
    }
    w.status = "IDLE";
    this.setIdle(w, true);
    this.dispatch(ep);
  }

  private setIdle(w: SimWorker, idle: boolean) {
    const ep = this.endpoints.get(w.endpointId)!;
    this.clear(w.idleTimer);
    w.idleTimer = null;
    if (!idle) {
      ep.idle.delete(w);
      return;
    }
    ep.idle.add(w);
    w.idleTimer = this.after(ep.config.workers.idleTimeout * 1000, () => {
      w.idleTimer = null;
      if (w.status === "IDLE" && ep.workers.size > ep.config.workers.min && ep.inQueueNormal === 0) {
        this.terminateWorker(w, "idle timeout");
      }
    });
  }

  private terminateWorker(w: SimWorker, reason: string) {
    const ep = this.endpoints.get(w.endpointId)!;
    this.clear(w.timer);
    this.clear(w.idleTimer);
    w.timer = w.idleTimer = null;
    ep.idle.delete(w);
    if (w.status !== "THROTTLED") this.log(w, "system", `stop container (${reason})`);
    w.removed = true;
    ep.workers.delete(w.id);
    this.endLogSubscribers(w);
  }

  private dispatch(ep: EndpointState) {
    while (ep.idle.size > 0 && ep.inQueue > 0) {
      const w = ep.idle.values().next().value as SimWorker;
      const job = this.dequeue(ep);
      if (!job) break;
      this.startJob(w, ep, job);
    }
  }

  private startJob(w: SimWorker, ep: EndpointState, job: SimJob) {
    const now = this.clock.now();
    this.setIdle(w, false);
    w.status = "RUNNING";
    w.job = job;
    markStarted(ep, w, job, now);
    this.log(w, "container", `{"requestId": "${job.id}", "message": "Started.", "level": "INFO"}`);
    const jr = rngFromState(hashSeed(this.seed, `job:${job.id}:${job.retries}`));
    const { min, max } = ep.config.jobDurationMs;
    const duration = Math.round(min + jr.next() * (max - min));
    const b = ep.behaviour;
    const crash =
      b.type === "one_off_crash" ? { onJob: b.onJob, kind: b.kind, afterMs: b.afterMs } : b.type === "healthy" ? b.crashOnce : undefined;
    if (crash && !ep.crashOnceDone && ep.startedJobs >= crash.onJob) {
      ep.crashOnceDone = true;
      job.runTimer = this.after(Math.min(crash.afterMs, duration), () => {
        job.runTimer = null;
        const out = midJobCrashLines(crash.kind, job.id);
        for (const l of out.lines) this.log(w, "container", l);
        this.crashed(w, ep, out.exitCode);
      });
      this.notify(job);
      return;
    }
    if (duration > job.executionTimeoutMs) {
      job.runTimer = this.after(job.executionTimeoutMs, () => {
        job.runTimer = null;
        w.job = null;
        const st = this.scenario.jobs.executionTimeoutStatus;
        this.finish(job, st, { error: "executionTimeout exceeded" });
        this.restartWorker(w, "execution timeout");
        this.dispatch(ep);
      });
    } else {
      job.runTimer = this.after(duration, () => {
        job.runTimer = null;
        this.completeJob(w, ep, job, jr);
      });
    }
    const chunks = ep.config.streamChunks;
    if (chunks > 0) {
      let i = 0;
      const step = duration / (chunks + 1);
      const next = () => {
        job.chunkTimer = null;
        i++;
        const progress = i / (chunks + 1);
        job.stream.push({ output: { epoch: i, progress: Math.round(progress * 1000) / 1000 } });
        this.notify(job);
        if (i < chunks) job.chunkTimer = this.after(step, next);
      };
      job.chunkTimer = this.after(step, next);
    }
    this.notify(job);
  }

  private completeJob(w: SimWorker, ep: EndpointState, job: SimJob, jr: Rng) {
    w.job = null;
    const b = ep.behaviour;
    const failureRate = b.type === "healthy" || b.type === "one_off_crash" ? b.failureRate : 0;
    if (failureRate > 0 && jr.chance(failureRate)) {
      this.log(w, "container", `{"requestId": "${job.id}", "message": "Captured Handler Exception", "level": "ERROR"}`);
      this.finish(job, "FAILED", {
        error: handlerErrorString(w.id, "RuntimeError", "training diverged: loss is NaN", 'Traceback (most recent call last):\n  File "/app/handler.py", line 31, in handler\nRuntimeError: training diverged: loss is NaN\n'),
      });
    } else {
      try {
        const output = evaluateObjective(ep.config.objective, job.input, jr);
        job.stream.push({ output: { epoch: ep.config.streamChunks + 1, progress: 1, loss: output.loss } });
        this.log(w, "container", `{"requestId": "${job.id}", "message": "Finished.", "level": "INFO"}`);
        this.finish(job, "COMPLETED", { output });
      } catch (err) {
        if (!(err instanceof ObjectiveInputError)) throw err;
        const type = err.message.startsWith("'") ? "KeyError" : "ValueError";
        this.log(w, "container", `{"requestId": "${job.id}", "message": "Captured Handler Exception", "level": "ERROR"}`);
        this.finish(job, "FAILED", {
          error: handlerErrorString(w.id, type, err.message, `Traceback (most recent call last):\n  File "/app/handler.py", line 22, in handler\n    x = float(params[${JSON.stringify(err.key)}])\n${type}: ${err.message}\n`),
        });
      }
    }
    this.becomeIdle(w);
    this.reconcile(ep);
  }

  // ---- external workers (worker protocol, docs/runpod-api.md section 6) --------------------

  /** Finds or registers the external worker and records contact (heartbeat). Throws 404 if the endpoint is not external. */
  touchExternalWorker(endpointId: string, workerId: string): SimWorker {
    const ep = this.endpoints.get(endpointId);
    if (!ep || ep.behaviour.type !== "external") throw new SimError(404, "endpoint not found");
    const b = ep.behaviour;
    let w = ep.workers.get(workerId);
    if (!w) {
      w = newWorker(ep, {
        id: workerId,
        status: "IDLE",
        startedAt: this.clock.now(),
        gpuTypeId: ep.config.gpuTypeIds[0],
        dataCenterId: ep.config.dataCenterIds[0],
        external: true,
      });
      ep.workers.set(workerId, w);
      this.log(w, "system", "worker registered (first contact)");
    } else if (w.status === "UNHEALTHY") {
      this.log(w, "system", "worker is sending heartbeats again");
      w.startedAt = this.clock.now();
    }
    if (w.status === "UNHEALTHY" || w.status === "INITIALIZING") w.status = w.extJobs.size ? "RUNNING" : "IDLE";
    const worker = w;
    this.clear(w.timer);
    w.timer = this.after(b.heartbeatTimeoutMs, () => {
      worker.timer = null;
      this.log(worker, "system", `no heartbeat for ${Math.round(b.heartbeatTimeoutMs / 1000)}s; worker marked unhealthy`);
      this.markExternalUnhealthy(ep, worker, "worker stopped sending heartbeats");
      worker.timer = this.after(b.forgetAfterMs, () => {
        worker.timer = null;
        this.terminateWorker(worker, "worker gone");
      });
    });
    return w;
  }

  /** `ping?status=unhealthy` (failed fitness check) or a lost heartbeat. */
  markExternalUnhealthy(ep: EndpointState, w: SimWorker, reason: string) {
    w.status = "UNHEALTHY";
    for (const job of [...w.extJobs]) this.loseJob(ep, job, reason);
    w.extJobs.clear();
  }

  /** job-take: up to n queued jobs go to the external worker. */
  takeJobs(ep: EndpointState, w: SimWorker, n: number): SimJob[] {
    const out: SimJob[] = [];
    while (out.length < n && ep.inQueue > 0) {
      const job = this.dequeue(ep);
      if (!job) break;
      markStarted(ep, w, job, this.clock.now());
      w.extJobs.add(job);
      job.runTimer = this.after(job.executionTimeoutMs, () => {
        job.runTimer = null;
        this.finish(job, this.scenario.jobs.executionTimeoutStatus, { error: "executionTimeout exceeded" });
      });
      this.notify(job);
      out.push(job);
    }
    if (out.length) w.status = "RUNNING";
    return out;
  }

  /** job-done body: {output}, {error}, {output, error}, {status:"IN_PROGRESS", output} (progress), stopPod. */
  jobDone(ep: EndpointState, w: SimWorker, jobId: string, body: Record<string, unknown>) {
    const job = this.getJob(ep.id, jobId);
    if (!job || !w.extJobs.has(job) || job.status !== "IN_PROGRESS") throw new SimError(400, "job is not in progress on this worker");
    if (body.status === "IN_PROGRESS") {
      job.output = body.output;
      this.notify(job);
      return;
    }
    if (typeof body.error === "string" && body.error !== "") this.finish(job, "FAILED", { error: body.error, output: body.output, fromWorker: true });
    else this.finish(job, "COMPLETED", { output: body.output, fromWorker: true });
    if (body.stopPod === true) this.log(w, "system", "worker requested a refresh (stopPod)");
  }

  jobStreamChunk(ep: EndpointState, w: SimWorker, jobId: string, body: Record<string, unknown>) {
    const job = this.getJob(ep.id, jobId);
    if (!job || !w.extJobs.has(job)) throw new SimError(400, "job is not in progress on this worker");
    job.stream.push({ output: body.output });
    this.notify(job);
  }

  /** Takes the pending stop list of an external worker. */
  drainStops(w: SimWorker): string[] {
    const out = w.stopList;
    w.stopList = [];
    return out;
  }

  private detachExternal(job: SimJob, requestStop: boolean) {
    if (!job.workerId) return;
    const w = this.endpoints.get(job.endpointId)?.workers.get(job.workerId);
    if (!w || !w.external || !w.extJobs.delete(job)) return;
    if (requestStop) {
      w.stopList.push(job.id);
      const ws = w.stopWaiters;
      w.stopWaiters = [];
      for (const fn of ws) fn();
    }
    if (w.status === "RUNNING" && w.extJobs.size === 0) w.status = "IDLE";
  }

  private workerOf(job: SimJob): SimWorker | undefined {
    if (!job.workerId) return undefined;
    const w = this.endpoints.get(job.endpointId)?.workers.get(job.workerId);
    return w && w.job === job ? w : undefined;
  }

  // ---- management views -------------------------------------------------------------

  summary(ep: EndpointState) {
    const s = { running: 0, idle: 0, initializing: 0, throttled: 0, unhealthy: 0, total: 0 };
    for (const w of ep.workers.values()) {
      s.total++;
      if (w.status === "RUNNING") s.running++;
      else if (w.status === "IDLE") s.idle++;
      else if (w.status === "INITIALIZING") s.initializing++;
      else if (w.status === "THROTTLED") s.throttled++;
      else s.unhealthy++;
    }
    return s;
  }

  workerDto(w: SimWorker) {
    const ep = this.endpoints.get(w.endpointId)!;
    const now = this.clock.now();
    return {
      id: w.id,
      status: w.status,
      isStale: w.version < ep.version,
      version: w.version,
      gpuCount: 1,
      image: w.image,
      uptimeSeconds: w.startedAt === null ? null : Math.max(0, Math.floor((now - w.startedAt) / 1000)),
      gpuTypeId: w.gpuTypeId,
      dataCenterId: w.dataCenterId,
      startedAt: w.startedAt === null ? null : new Date(w.startedAt).toISOString(),
    };
  }

  // ---- logs -----------------------------------------------------------------------

  private log(w: SimWorker, source: "container" | "system", line: string) {
    const ts = this.clock.now();
    const seq = ++this.logSeq;
    let ns = 0;
    if (source === "container") {
      // distinct, increasing nanosecond stamps within one millisecond, as a real clock would give
      const prev = this.lastContainerNs.get(w);
      ns = prev && prev.ms === ts ? Math.min(999_999, prev.ns + 1 + (seq % 997)) : (seq * 7_919) % 1_000;
      this.lastContainerNs.set(w, { ms: ts, ns });
    }
    const l: LogLine = { seq, ts, ns, source, line };
    if (w.logs.length - w.logHead >= LOG_CAPACITY) {
      w.logHead++;
      if (w.logHead > LOG_CAPACITY) {
        w.logs = w.logs.slice(w.logHead);
        w.logHead = 0;
      }
    }
    w.logs.push(l);
    for (const fn of w.subscribers) fn(l);
  }

  /** Retained lines of a worker, oldest first. */
  logLines(w: SimWorker): LogLine[] {
    return w.logHead === 0 ? w.logs : w.logs.slice(w.logHead);
  }

  subscribeLogs(w: SimWorker, fn: (l: LogLine | null) => void): () => void {
    w.subscribers.add(fn);
    return () => w.subscribers.delete(fn);
  }

  private endLogSubscribers(w: SimWorker) {
    for (const fn of w.subscribers) fn(null);
    w.subscribers.clear();
  }
}

function describe(b: Behaviour): string {
  if (b.type === "crash_loop") return `crash_loop:${b.crash}`;
  if (b.type === "no_capacity") return `no_capacity:${b.mode}`;
  return b.type;
}
