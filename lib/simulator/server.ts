import type { IncomingMessage, ServerResponse } from "node:http";
import { SimError, TERMINAL, type EndpointState, type SimEngine, type SimJob } from "./engine";
import { serveWorkerLogs } from "./log-route";
import type { VirtualClock } from "./clock";
import { JobsRateLimiter, ManagementRateLimiter, type JobsOp } from "./rate-limit";
import type { Rng } from "@/lib/domain/prng";
import type { Faults } from "./scenario";
import { routeWorker, WORKER_OPS } from "./worker-protocol";

/**
 * HTTP front of the simulator: the jobs API (`/v2/{endpointId}/...`, as on
 * api.runpod.ai) and the management API v2 (`/v2/serverless...`, as on
 * api.runpod.io) on one port, plus simulator-only control routes under `/_sim/`.
 */
export interface HandlerDeps {
  engine: SimEngine;
  apiKey: string;
  faults: () => Faults;
  /** POST /_sim/faults merges its JSON body into the knobs (same as Simulator.setFaults). */
  setFaults: (f: unknown) => void;
  faultRng: Rng;
  startedAt: number;
}

export interface RequestStats {
  requests: number;
  /** Open long polls (runsync, status-sync, stream) and log streams. */
  openHolds: number;
  openLogStreams: number;
  /** PATCH /v2/serverless/{id} requests that changed the endpoint (tests count what sweepwatch sent). */
  endpointUpdates: number;
}

const MB = 1024 * 1024;
const JSON_TYPE = "application/json";
const PROBLEM_TYPE = "application/problem+json";
const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

interface Ctx {
  malformed: boolean;
  mgmt: boolean;
  rateHeaders?: Record<string, string>;
}

function send(res: ServerResponse, ctx: Ctx, status: number, body: unknown, headers?: Record<string, string>, type = JSON_TYPE) {
  if (res.headersSent || res.destroyed) return;
  let text = JSON.stringify(body);
  if (ctx.malformed && status < 300) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  const h: Record<string, string | number> = { "Content-Type": type, "Content-Length": Buffer.byteLength(text) };
  if (ctx.rateHeaders) Object.assign(h, ctx.rateHeaders);
  if (headers) Object.assign(h, headers);
  res.writeHead(status, h);
  res.end(text);
}

/** RFC 9457 body; the management API sends it as problem+json, the jobs API as plain JSON (observed 400 shape). */
function problem(res: ServerResponse, ctx: Ctx, status: number, detail: string, headers?: Record<string, string>, errors?: string[]) {
  const body: Record<string, unknown> = { title: TITLES[status] ?? "Error", status, detail };
  if (errors) body.errors = errors;
  send(res, ctx, status, body, headers, ctx.mgmt ? PROBLEM_TYPE : JSON_TYPE);
}

function parseQuery(query: string): URLSearchParams {
  return new URLSearchParams(query);
}

function clampWait(raw: string | null, def: number): number {
  if (raw === null || raw === "") return def;
  const n = Number(raw);
  if (!Number.isFinite(n)) return def;
  return Math.min(300_000, Math.max(1_000, Math.floor(n)));
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too_large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve("too_large");
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!over) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

export function createRequestHandler(deps: HandlerDeps) {
  const { engine } = deps;
  const clock = engine.clock;
  const jobsLimiter = new JobsRateLimiter(engine.scenario.rateLimits.jobs);
  const mgmtLimiter = new ManagementRateLimiter(engine.scenario.rateLimits.management);
  const stats: RequestStats = { requests: 0, openHolds: 0, openLogStreams: 0, endpointUpdates: 0 };
  const bearer = `Bearer ${deps.apiKey}`;

  function runningWorkers(ep: EndpointState): number {
    let n = 0;
    for (const w of ep.workers.values()) if (w.status === "RUNNING") n++;
    return n;
  }

  /** Holds the response until ready() or waitMs of simulator time; then respond(). */
  function hold(res: ServerResponse, job: SimJob, waitMs: number, ready: () => boolean, respond: () => void, release?: () => void) {
    if (ready()) {
      release?.();
      return respond();
    }
    let done = false;
    let unsub: (() => void) | null = null;
    stats.openHolds++;
    const finish = (answer: boolean) => {
      if (done) return;
      done = true;
      stats.openHolds--;
      clock.clearTimer(timer);
      unsub?.();
      release?.();
      if (answer) respond();
    };
    const watch = () => {
      unsub = engine.onJobChange(job, () => {
        unsub = null;
        if (ready() || job.removed) finish(true);
        else watch();
      });
    };
    const timer = clock.setTimer(() => finish(true), waitMs);
    watch();
    res.on("close", () => finish(false));
  }

  function routeJobs(req: IncomingMessage, res: ServerResponse, ctx: Ctx, parts: string[], query: string): void | Promise<void> {
    const epId = parts[2];
    const op = parts[3];
    const jobId = parts[4];
    const method = req.method ?? "GET";
    const ep = epId ? engine.getEndpoint(epId) : undefined;
    // An unknown (deleted, mistyped) endpoint: 404 problem+json on every jobs route, /health included.
    // A load-balancer endpoint has no queue API (RunPod v2 OpenAPI: EndpointType LOAD_BALANCER,
    // LoadBalancingRequestUrls has only base and health), so /run, /status, /health... do not exist for it.
    if (!ep || !op || (ep.config.type === "LOAD_BALANCER" && !WORKER_OPS.has(op))) return problem(res, { ...ctx, mgmt: true }, 404, "endpoint not found");
    if (WORKER_OPS.has(op)) {
      if (parts.length > 6) return problem(res, ctx, 404, "not found");
      return routeWorker(engine, req, res, parts, parseQuery(query), (status, body) => {
        if (status === 204) {
          if (!res.headersSent && !res.destroyed) res.writeHead(204).end();
        } else send(res, ctx, status, body);
      });
    }
    const extra = parts.length > (jobId !== undefined ? 5 : 4);
    if (extra) return problem(res, ctx, 404, "not found");

    const limited = (lop: JobsOp): boolean => {
      const retry = jobsLimiter.take(ep.id, lop, clock.now(), runningWorkers(ep));
      if (retry === null) return false;
      const headers = engine.scenario.rateLimits.jobs.retryAfterHeader ? { "Retry-After": String(retry) } : undefined;
      problem(res, ctx, 429, "rate limit exceeded", headers);
      return true;
    };
    const slot = (lop: JobsOp): (() => void) | null => {
      const release = jobsLimiter.enter(ep.id, lop);
      if (!release) problem(res, ctx, 429, "too many concurrent requests");
      else res.on("close", release);
      return release;
    };
    const needJob = (): SimJob | undefined => {
      const job = jobId ? engine.getJob(ep.id, jobId) : undefined;
      if (!job) problem(res, ctx, 404, "request does not exist");
      return job;
    };
    const wrongMethod = () => problem(res, ctx, 405, `method ${method} not allowed`);

    switch (op) {
      case "run":
      case "runsync": {
        if (method !== "POST") return wrongMethod();
        if (jobId !== undefined) return problem(res, ctx, 404, "not found");
        const sync = op === "runsync";
        if (limited(sync ? "runsync" : "run")) return;
        const release = slot(sync ? "runsync" : "run");
        if (!release) return;
        return readBody(req, sync ? 20 * MB : 10 * MB).then((buf) => {
          if (buf === "too_large") {
            release();
            problem(res, ctx, 400, `bad request: body: exceeded max body size of ${sync ? 20 * MB : 10 * MB}`, { Connection: "close" });
            return;
          }
          let body: unknown;
          try {
            body = JSON.parse(buf.toString("utf8"));
          } catch {
            release();
            return problem(res, ctx, 400, "bad request: body: invalid JSON");
          }
          let job: SimJob;
          try {
            job = engine.submit(ep.id, body as never, { sync });
          } catch (err) {
            release();
            if (err instanceof SimError) return problem(res, ctx, err.status, err.message);
            throw err;
          }
          if (!sync) {
            release();
            // RunPod answers IN_QUEUE even when an idle worker takes the job at once.
            return send(res, ctx, 200, { id: job.id, status: "IN_QUEUE" });
          }
          const wait = clampWait(parseQuery(query).get("wait"), 90_000);
          hold(res, job, wait, () => TERMINAL.has(job.status), () => send(res, ctx, 200, job.removed ? { id: job.id, status: job.status } : engine.statusDoc(job)), release);
        });
      }
      case "status":
      case "status-sync": {
        if (method !== "GET" && method !== "POST") return wrongMethod();
        if (limited("status")) return;
        const job = needJob();
        if (!job) return;
        if (op === "status") return send(res, ctx, 200, engine.statusDoc(job));
        const release = slot("status");
        if (!release) return;
        const wait = clampWait(parseQuery(query).get("wait"), 90_000);
        return hold(res, job, wait, () => TERMINAL.has(job.status), () => {
          if (job.removed) problem(res, ctx, 404, "request does not exist");
          else send(res, ctx, 200, engine.statusDoc(job));
        }, release);
      }
      case "stream": {
        if (method !== "GET" && method !== "POST") return wrongMethod();
        if (limited("stream")) return;
        const job = needJob();
        if (!job) return;
        const release = slot("stream");
        if (!release) return;
        const wait = clampWait(parseQuery(query).get("wait"), 10_000);
        return hold(res, job, wait, () => job.stream.length > 0 || TERMINAL.has(job.status), () => {
          const chunks = job.stream;
          job.stream = [];
          send(res, ctx, 200, { status: job.status, stream: chunks });
        }, release);
      }
      case "cancel": {
        if (method !== "POST") return wrongMethod();
        if (limited("cancel")) return;
        if (!jobId) return problem(res, ctx, 404, "request does not exist");
        try {
          const job = engine.cancel(ep.id, jobId);
          return send(res, ctx, 200, { id: job.id, status: job.status });
        } catch (err) {
          if (err instanceof SimError) return problem(res, ctx, err.status, err.message);
          throw err;
        }
      }
      case "retry": {
        if (method !== "POST") return wrongMethod();
        if (limited("retry")) return;
        if (!jobId) return problem(res, ctx, 404, "request does not exist");
        try {
          const job = engine.retry(ep.id, jobId);
          return send(res, ctx, 200, { id: job.id, status: "IN_QUEUE" });
        } catch (err) {
          if (err instanceof SimError) return problem(res, ctx, err.status, err.message);
          throw err;
        }
      }
      case "purge-queue": {
        if (method !== "POST") return wrongMethod();
        if (jobId !== undefined) return problem(res, ctx, 404, "not found");
        if (limited("purgeQueue")) return;
        return send(res, ctx, 200, { removed: engine.purgeQueue(ep.id), status: "completed" });
      }
      case "health": {
        if (method !== "GET") return wrongMethod();
        if (jobId !== undefined) return problem(res, ctx, 404, "not found");
        if (limited("health")) return;
        return send(res, ctx, 200, engine.health(ep.id));
      }
      default:
        return problem(res, ctx, 404, "not found");
    }
  }

  /**
   * The v2 Endpoint object (RunPod v2 OpenAPI, runpod/runpod-mcp tests/fixtures/v2-openapi.yaml @119f633):
   * `type` QUEUE or LOAD_BALANCER, requestUrls by type, and no `version` (the configuration version
   * comes only with the workers list, as `endpointVersion`).
   */
  function endpointDto(ep: EndpointState, base: string) {
    const c = ep.config;
    const u = `${base}/v2/${ep.id}`;
    const requestUrls =
      c.type === "LOAD_BALANCER"
        ? { base: `${base}/lb/${ep.id}`, health: `${base}/lb/${ep.id}/ping` }
        : {
            run: `${u}/run`,
            runSync: `${u}/runsync`,
            status: `${u}/status/{job_id}`,
            stream: `${u}/stream/{job_id}`,
            cancel: `${u}/cancel/{job_id}`,
            retry: `${u}/retry/{job_id}`,
            purgeQueue: `${u}/purge-queue`,
            health: `${u}/health`,
          };
    return {
      id: ep.id,
      name: c.name ?? ep.id,
      type: c.type,
      requestUrls,
      image: ep.image,
      args: null,
      disk: 20,
      env: {},
      ports: [],
      registry: null,
      gpu: { pools: ["ADA_24"], count: 1, gpuTypeIds: c.gpuTypeIds, allowedCudaVersions: ["12.4", "12.5", "12.6"], minCudaVersion: "12.4" },
      workers: { min: c.workers.min, max: c.workers.max, idleTimeout: c.workers.idleTimeout },
      scaling: { type: "QUEUE_DELAY", queueDelay: 4 },
      dataCenterIds: c.dataCenterIds,
      networkVolumes: [],
      timeout: c.executionTimeoutMs,
      flashboot: "FLASHBOOT",
      createdAt: new Date(ep.createdAt).toISOString(),
    };
  }

  function baseUrl(req: IncomingMessage): string {
    return `http://${req.headers.host ?? "127.0.0.1"}`;
  }

  /**
   * PATCH /v2/serverless/{id}: only the worker settings, in the read model's shape
   * (`{"workers": {"min", "max", "idleTimeout"}}`, docs/runpod-api.md 4.1); other fields are refused
   * so a test notices when sweepwatch sends more than it meant to.
   */
  async function updateEndpoint(req: IncomingMessage, res: ServerResponse, ctx: Ctx, id: string) {
    const ep = engine.getEndpoint(id);
    if (!ep) return problem(res, ctx, 404, "resource not found");
    const buf = await readBody(req, 64 * 1024);
    if (buf === "too_large") return problem(res, ctx, 413, "request body too large");
    let body: unknown;
    try {
      body = JSON.parse(buf.toString("utf8"));
    } catch {
      return problem(res, ctx, 400, "invalid JSON body");
    }
    const errors: string[] = [];
    const w = (body as { workers?: unknown } | null)?.workers;
    if (typeof body !== "object" || body === null || Object.keys(body).some((k) => k !== "workers")) errors.push("only workers can be updated by the simulator");
    if (typeof w !== "object" || w === null) errors.push("workers must be an object");
    const next: { min?: number; max?: number; idleTimeout?: number } = {};
    if (typeof w === "object" && w !== null) {
      for (const [k, v] of Object.entries(w)) {
        if (k !== "min" && k !== "max" && k !== "idleTimeout") errors.push(`workers.${k} is not a known field`);
        else if (!Number.isInteger(v) || (v as number) < 0) errors.push(`workers.${k} must be a non-negative integer`);
        else next[k] = v as number;
      }
    }
    if (errors.length) return problem(res, ctx, 400, "invalid request body", undefined, errors);
    stats.endpointUpdates++;
    engine.changeWorkerSettings(ep, next, `PATCH workers ${JSON.stringify(next)}`);
    return send(res, ctx, 200, endpointDto(ep, baseUrl(req)));
  }

  function routeManagement(req: IncomingMessage, res: ServerResponse, ctx: Ctx, parts: string[], query: string) {
    // parts: ["", "v2", "serverless", id?, "workers"?, workerId?, "logs"?]
    const method = req.method ?? "GET";
    const [, , , id, sub, workerId, leaf] = parts;
    if (parts.length > 7 || (sub !== undefined && sub !== "workers") || (leaf !== undefined && leaf !== "logs") || (workerId !== undefined && leaf === undefined)) {
      return problem(res, ctx, 404, "resource not found");
    }
    if (method !== "GET") {
      if (id === undefined || sub === undefined) return problem(res, ctx, 405, `method ${method} is not supported by the simulator`);
      return problem(res, ctx, 405, `method ${method} not allowed`);
    }
    if (id === undefined || id === "") {
      return send(res, ctx, 200, { endpoints: engine.listEndpoints().map((ep) => endpointDto(ep, baseUrl(req))) }, undefined);
    }
    const ep = engine.getEndpoint(id);
    if (!ep) return problem(res, ctx, 404, "resource not found");
    if (sub === undefined) return send(res, ctx, 200, endpointDto(ep, baseUrl(req)));
    if (workerId === undefined) {
      return send(res, ctx, 200, {
        workers: [...ep.workers.values()].map((w) => engine.workerDto(w)),
        summary: engine.summary(ep),
        endpointVersion: ep.version,
      });
    }
    const w = ep.workers.get(workerId);
    if (!w) return problem(res, ctx, 404, "worker not found");
    const fail = (status: number, detail: string, errors?: string[]) => problem(res, ctx, status, detail, undefined, errors);
    serveWorkerLogs({ engine, options: engine.scenario.logs, stats, headers: ctx.rateHeaders ?? {}, fail }, req, res, w, parseQuery(query));
  }

  function routeControl(req: IncomingMessage, res: ServerResponse, ctx: Ctx, parts: string[], query: string) {
    const op = parts[2];
    if (op === "health") {
      const m = process.memoryUsage();
      return send(res, ctx, 200, {
        ok: true,
        scenario: engine.scenario.name,
        clock: clock.kind,
        now: new Date(clock.now()).toISOString(),
        jobs: engine.jobs.size,
        memory: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal },
      });
    }
    if (!authorized(req, true)) return problem(res, ctx, 401, "missing or invalid API key");
    const q = parseQuery(query);
    if (op === "state" && req.method === "GET") return send(res, ctx, 200, snapshot(engine));
    if (op === "jobs" && req.method === "GET") {
      const ep = q.get("endpointId");
      const st = q.get("status");
      const limit = Math.min(10_000, Number(q.get("limit") ?? 1000) || 1000);
      const out: unknown[] = [];
      for (const j of engine.jobs.values()) {
        if (out.length >= limit) break;
        if ((ep === null || j.endpointId === ep) && (st === null || j.status === st)) out.push({ endpointId: j.endpointId, createdAt: new Date(j.createdAt).toISOString(), ...engine.statusDoc(j) });
      }
      return send(res, ctx, 200, { jobs: out });
    }
    if (op === "faults" && req.method === "POST") return setFaultsRoute(req, res, ctx);
    if (op === "endpoints" && req.method === "DELETE" && parts[3]) {
      if (!engine.deleteEndpoint(parts[3])) return problem(res, ctx, 404, "endpoint not found");
      return send(res, ctx, 200, { deleted: parts[3] });
    }
    if (op === "advance" && req.method === "POST") {
      if (clock.kind !== "virtual") return problem(res, ctx, 400, "advance needs the virtual clock");
      const ms = Number(q.get("ms"));
      if (!Number.isFinite(ms) || ms < 0) return problem(res, ctx, 400, "ms must be a non-negative number");
      (clock as VirtualClock).advance(ms);
      return send(res, ctx, 200, { now: new Date(clock.now()).toISOString() });
    }
    return problem(res, ctx, 404, "not found");
  }

  /** POST /_sim/faults: the JSON body is merged into the fault knobs (e.g. {"management": {"status": 429}}). */
  async function setFaultsRoute(req: IncomingMessage, res: ServerResponse, ctx: Ctx) {
    const buf = await readBody(req, 64 * 1024);
    if (buf === "too_large") return problem(res, ctx, 413, "request body too large");
    try {
      deps.setFaults(JSON.parse(buf.toString("utf8") || "{}"));
    } catch (err) {
      return problem(res, ctx, 400, `invalid faults: ${(err as Error).message.slice(0, 500)}`);
    }
    return send(res, ctx, 200, { faults: deps.faults() });
  }

  function authorized(req: IncomingMessage, bearerOnly: boolean): boolean {
    const a = req.headers.authorization;
    if (a === undefined) return false;
    if (a === bearer) return true;
    if (!bearerOnly && a === deps.apiKey) return true;
    return /^bearer\s+/i.test(a) && a.replace(/^bearer\s+/i, "") === deps.apiKey;
  }

  function faultsApply(f: Faults, mgmt: boolean) {
    return f.scope === "all" || (f.scope === "management") === mgmt;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    stats.requests++;
    const url = req.url ?? "/";
    const qi = url.indexOf("?");
    const pathname = qi < 0 ? url : url.slice(0, qi);
    const query = qi < 0 ? "" : url.slice(qi + 1);
    const parts = pathname.split("/");
    if (parts.length > 2 && parts[parts.length - 1] === "") parts.pop();
    if (parts[1] === "_sim") return routeControl(req, res, { malformed: false, mgmt: false }, parts, query);
    const mgmt = parts[1] === "v2" && parts[2] === "serverless";
    const ctx: Ctx = { malformed: false, mgmt };
    if (parts[1] !== "v2") return problem(res, ctx, 404, "not found");

    const f = deps.faults();
    if (faultsApply(f, mgmt)) {
      const r = deps.faultRng;
      if (f.dropConnectionRate > 0 && r.chance(f.dropConnectionRate)) {
        req.socket.destroy();
        return;
      }
      if (f.latencyMs.max > 0) {
        const d = f.latencyMs.min + r.next() * (f.latencyMs.max - f.latencyMs.min);
        await new Promise((ok) => setTimeout(ok, d));
      }
      if (f.errorRate > 0 && r.chance(f.errorRate)) {
        const status = [500, 502, 503][r.int(3)];
        return problem(res, ctx, status, "simulated server error");
      }
      const elapsed = clock.now() - deps.startedAt;
      const burst = f.rateLimitBursts;
      const phase = burst ? elapsed % burst.everyMs : 0;
      if (burst && phase >= burst.everyMs - burst.durationMs) {
        return problem(res, ctx, 429, "rate limit exceeded (simulated burst)", { "Retry-After": String(Math.max(1, Math.ceil((burst.everyMs - phase) / 1000))) });
      }
      if (f.rateLimitRate > 0 && r.chance(f.rateLimitRate)) return problem(res, ctx, 429, "rate limit exceeded (simulated)", { "Retry-After": "1" });
      if (f.malformedJsonRate > 0 && r.chance(f.malformedJsonRate)) ctx.malformed = true;
    }
    if (mgmt && f.management) {
      const m = f.management;
      const detail = m.status === 403 ? "API key not authorized for this resource" : m.status === 429 ? "rate limit exceeded for the minute window" : "simulated server error";
      return problem(res, ctx, m.status, detail, m.status === 429 ? { "Retry-After": String(m.retryAfterSeconds) } : undefined);
    }

    if (!authorized(req, mgmt)) {
      return problem(res, ctx, 401, mgmt ? "missing or invalid API key" : "Unauthorized: missing or invalid API key");
    }
    if (mgmt) {
      const verdict = mgmtLimiter.take(deps.apiKey, clock.now());
      ctx.rateHeaders = verdict.headers;
      if (!verdict.allowed) {
        const { "Retry-After": retryAfter } = verdict.headers;
        return problem(res, ctx, 429, `rate limit exceeded for the ${verdict.exceeded} window`, { "Retry-After": retryAfter });
      }
      if (req.method === "PATCH" && parts.length === 4 && parts[3]) return updateEndpoint(req, res, ctx, parts[3]);
      return routeManagement(req, res, ctx, parts, query);
    }
    return routeJobs(req, res, ctx, parts, query);
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) problem(res, { malformed: false, mgmt: false }, 500, "internal simulator error");
      else res.destroy();
      console.error("[simulator] request failed:", err);
    });
  };
  return { handler, stats };
}

export function snapshot(engine: SimEngine) {
  return {
    now: new Date(engine.clock.now()).toISOString(),
    scenario: engine.scenario.name,
    jobs: engine.jobs.size,
    endpoints: [...engine.endpoints.values()].map((ep) => ({
      id: ep.id,
      type: ep.config.type,
      deleted: ep.deleted,
      version: ep.version,
      image: ep.image,
      behaviour: ep.behaviour,
      health: engine.fullHealth(ep.id),
      workers: [...ep.workers.values()].map((w) => ({ ...engine.workerDto(w), crashes: w.crashes })),
      history: ep.history.map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
    })),
  };
}
