import type { z } from "zod";
import { addSecret, type Logger } from "../log";
import {
  RunpodError,
  createRedactor,
  describeCause,
  kindForStatus,
  parseErrorBody,
  type AmbiguousReason,
  type Redactor,
  type RunpodErrorKind,
} from "./errors";
import { RateLimitTracker, parseRetryAfter, type RateLimitScopeState, type RateLimitSnapshot } from "./rate-limit";
import {
  EndpointSchema,
  HealthSchema,
  JobActionResponseSchema,
  JobStatusDocSchema,
  ListEndpointsResponseSchema,
  ListWorkersResponseSchema,
  PurgeQueueResponseSchema,
  RunResponseSchema,
  StreamResponseSchema,
  type Endpoint,
  type Health,
  type JobActionResponse,
  type JobStatusDoc,
  type ListWorkersResponse,
  type LogSource,
  type PurgeQueueResponse,
  type RunResponse,
  type StreamResponse,
} from "./schemas";
import { readLogStream, type LogStreamEnd, type LogStreamOptions, type WorkerLogsResult } from "./logs";
import type { LogLine } from "./schemas";

/**
 * Typed client for RunPod's jobs API (api.runpod.ai/v2/{endpointId}/...) and the
 * management API v2 (api.runpod.io/v2/serverless...). Server-only: it holds the
 * API key. `server-only` is not imported because it throws under tsx in plain
 * Node (no `react-server` condition); the eslint rule keeps components out.
 */

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RateLimitEvent {
  /** `429`: the server answered 429. `throttled`: the client held a request to stay inside the reported quota. */
  type: "429" | "throttled";
  scope: string;
  operation: string;
  waitMs: number;
  /** True when the wait exceeds maxRateLimitWaitMs, so the call fails with kind `rate_limited` instead of waiting. */
  givingUp: boolean;
  state: RateLimitScopeState | undefined;
}

export interface RunpodClientOptions {
  apiKey: string;
  /** Jobs API base (default https://api.runpod.ai); paths are /v2/{endpointId}/... */
  apiBase?: string;
  /** Management API base (default https://api.runpod.io); paths are /v2/serverless... */
  restBase?: string;
  fetch?: typeof fetch;
  /** Per-attempt timeout for ordinary calls (long-poll calls add their wait). Default 15 s. */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls on 5xx / network / timeout, and for any call on 429. Default 3. */
  retries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A 429 or a held request whose wait exceeds this fails at once with kind `rate_limited`. Default 30 s. */
  maxRateLimitWaitMs?: number;
  /** Hold requests when a reported window has this many or fewer requests left. Default 0. */
  rateLimitReserve?: number;
  userAgent?: string;
  onRateLimit?: (event: RateLimitEvent) => void;
  logger?: Logger;
  clock?: () => number;
  sleep?: Sleep;
  random?: () => number;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface RunRequest {
  input: unknown;
  webhook?: string;
  policy?: { executionTimeout?: number; ttl?: number; lowPriority?: boolean };
  s3Config?: Record<string, string>;
}

export type StatusResult = { expired: false; job: JobStatusDoc } | { expired: true; job: null };

export interface WorkerLogsOptions extends LogStreamOptions {
  source?: LogSource;
  /** Historical lines to replay first (server default 100, max 5000); ignored with `since` or `lastEventId`. */
  tail?: number;
  /** RFC 3339 timestamp (or Date) to resume after (exclusive on RunPod). */
  since?: string | Date;
  /** Resume cursor, sent as `Last-Event-ID` (exclusive on RunPod: lines stamped with that very timestamp are not sent). */
  lastEventId?: string | null;
  signal?: AbortSignal;
}

export interface RunpodClient {
  run(endpointId: string, body: RunRequest, opts?: CallOptions): Promise<RunResponse>;
  runSync(endpointId: string, body: RunRequest, opts?: CallOptions & { waitMs?: number }): Promise<JobStatusDoc>;
  status(endpointId: string, jobId: string, opts?: CallOptions): Promise<StatusResult>;
  statusSync(endpointId: string, jobId: string, opts?: CallOptions & { waitMs?: number }): Promise<StatusResult>;
  stream(endpointId: string, jobId: string, opts?: CallOptions & { waitMs?: number }): Promise<StreamResponse>;
  cancel(endpointId: string, jobId: string, opts?: CallOptions): Promise<JobActionResponse>;
  retry(endpointId: string, jobId: string, opts?: CallOptions): Promise<JobActionResponse>;
  purgeQueue(endpointId: string, opts?: CallOptions): Promise<PurgeQueueResponse>;
  health(endpointId: string, opts?: CallOptions): Promise<Health>;
  listEndpoints(opts?: CallOptions): Promise<Endpoint[]>;
  getEndpoint(endpointId: string, opts?: CallOptions): Promise<Endpoint>;
  /** PATCH /v2/serverless/{id} with `{"workers": {...}}`: absolute values, so a resend is harmless. */
  updateEndpointWorkers(endpointId: string, workers: { min?: number; max?: number; idleTimeout?: number }, opts?: CallOptions): Promise<Endpoint>;
  listWorkers(endpointId: string, opts?: CallOptions): Promise<ListWorkersResponse>;
  /**
   * Bounded read of a worker's SSE log stream (the stream itself never ends). No headers within
   * connectTimeoutMs is `endedBy: "quiet"` (RunPod answers only once it has a line): one request, no retry.
   */
  workerLogs(endpointId: string, workerId: string, opts?: WorkerLogsOptions): Promise<WorkerLogsResult>;
  /** The same stream as an async iterator; its return value tells why it ended and the last cursor. */
  streamWorkerLogs(endpointId: string, workerId: string, opts?: WorkerLogsOptions): AsyncGenerator<LogLine, LogStreamEnd, void>;
  rateLimitState(): RateLimitSnapshot;
}

const DEFAULTS = {
  apiBase: "https://api.runpod.ai",
  restBase: "https://api.runpod.io",
  timeoutMs: 15_000,
  retries: 3,
  backoffBaseMs: 250,
  backoffMaxMs: 10_000,
  maxRateLimitWaitMs: 30_000,
  userAgent: "sweepwatch/0.1 (+https://github.com/sweepwatch)",
  runSyncWaitMs: 90_000,
  streamWaitMs: 10_000,
};

/** Error codes that mean the request never reached the server, so even /run may be resent. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "EADDRNOTAVAIL"]);

const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

function normalizeBase(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`createRunpodClient: ${name} must be an absolute http(s) URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`createRunpodClient: ${name} must be an http(s) URL`);
  if (url.username || url.password || url.search) throw new Error(`createRunpodClient: ${name} must not contain credentials or a query string`);
  // Accept both "https://api.runpod.ai" and the SDK-style "https://api.runpod.ai/v2".
  return url.toString().replace(/\/+$/, "").replace(/\/v2$/, "");
}

type Surface = "jobs" | "management";

interface CallSpec {
  operation: string;
  surface: Surface;
  endpointId?: string;
  jobId?: string;
  method: "GET" | "POST" | "PATCH";
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to resend after the request may have reached the server. */
  idempotent: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
}

interface JsonSpec<T> extends CallSpec {
  schema: z.ZodType<T>;
  onNotFound?: () => T;
}

export function createRunpodClient(options: RunpodClientOptions): RunpodClient {
  const apiKey = options.apiKey;
  if (typeof apiKey !== "string" || apiKey.trim() === "") throw new Error("createRunpodClient: apiKey is required (RUNPOD_API_KEY)");
  if (/[\s\u0000-\u001f\u007f]/.test(apiKey)) throw new Error("createRunpodClient: apiKey must be the bare key (no \"Bearer \" prefix, whitespace or control characters)");
  addSecret(apiKey);
  const redact: Redactor = createRedactor(apiKey);

  const apiBase = normalizeBase("apiBase", options.apiBase ?? DEFAULTS.apiBase);
  const restBase = normalizeBase("restBase", options.restBase ?? DEFAULTS.restBase);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const retries = Math.max(0, options.retries ?? DEFAULTS.retries);
  const backoffBaseMs = options.backoffBaseMs ?? DEFAULTS.backoffBaseMs;
  const backoffMaxMs = options.backoffMaxMs ?? DEFAULTS.backoffMaxMs;
  const maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? DEFAULTS.maxRateLimitWaitMs;
  const userAgent = options.userAgent ?? DEFAULTS.userAgent;
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const log = options.logger;
  const tracker = new RateLimitTracker(clock, options.rateLimitReserve ?? 0);

  const scopeOf = (surface: Surface, endpointId?: string) => (surface === "management" ? "management" : `jobs:${endpointId ?? ""}`);

  /** "Equal jitter": half the capped exponential delay plus a random half. */
  const backoffDelay = (attempt: number) => {
    const cap = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (attempt - 1));
    return Math.round(cap / 2 + random() * (cap / 2));
  };

  const fail = (spec: CallSpec, kind: RunpodErrorKind, detail: string, extra: Partial<ConstructorParameters<typeof RunpodError>[0]> = {}) => {
    const status = extra.status ?? null;
    const where = `${spec.method} ${describeTarget(spec)}`;
    const head = kind === "ambiguous" ? `ambiguous (${extra.reason ?? "unknown"}): the request may have been accepted` : kind;
    const message = redact(`RunPod ${spec.operation} failed: ${head}${status ? ` (HTTP ${status})` : ""} — ${detail} [${where}]`);
    return new RunpodError({
      kind,
      operation: spec.operation,
      message,
      endpointId: spec.endpointId ? redact(spec.endpointId) : null,
      jobId: spec.jobId ? redact(spec.jobId) : null,
      ...extra,
      causeText: extra.causeText ? redact(extra.causeText) : null,
    });
  };

  const describeTarget = (spec: CallSpec) => (spec.surface === "jobs" ? `${apiBase}${spec.path}` : `${restBase}${spec.path}`);

  const buildUrl = (spec: CallSpec) => {
    const u = new URL(describeTarget(spec));
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  };

  /** Hold the request while the scope's reported quota is exhausted or a Retry-After is running. */
  const throttle = async (spec: CallSpec, scope: string) => {
    for (;;) {
      const wait = tracker.delayFor(scope);
      if (wait <= 0) {
        tracker.consume(scope);
        return;
      }
      tracker.noteThrottled(scope);
      const givingUp = wait > maxRateLimitWaitMs;
      options.onRateLimit?.({ type: "throttled", scope, operation: spec.operation, waitMs: wait, givingUp, state: tracker.snapshot().scopes[scope] });
      if (givingUp) throw fail(spec, "rate_limited", `held by the client-side rate budget for ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait });
      await sleep(wait, spec.signal);
    }
  };

  /**
   * One request with retries. `consume` reads a 2xx response; a 404 may be turned
   * into a value. Returns whatever `consume` returns.
   */
  const execute = async <T>(
    spec: CallSpec,
    consume: (res: Response, attempt: number, timedOut: () => boolean) => Promise<T>,
    opts: { onNotFound?: () => T; streaming?: boolean; onHeadersTimeout?: () => T } = {},
  ): Promise<T> => {
    const scope = scopeOf(spec.surface, spec.endpointId);
    const url = buildUrl(spec);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${apiKey}`,
      Accept: opts.streaming ? "text/event-stream" : "application/json",
      "User-Agent": userAgent,
      ...spec.headers,
    };
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    if (body !== undefined) headers["Content-Type"] = "application/json";

    for (let attempt = 1; ; attempt++) {
      await throttle(spec, scope);
      const canRetry = attempt <= retries;
      const retryAfter = async (kind: string, delay: number, status?: number) => {
        log?.warn("runpod request retry", { operation: spec.operation, attempt, kind, status, delayMs: delay });
        await sleep(delay, spec.signal);
      };

      // Streaming calls bound only the wait for headers; the body is bounded by the caller.
      const ctl = new AbortController();
      let timedOut = false;
      const timeoutSignal = opts.streaming ? ctl.signal : AbortSignal.timeout(spec.timeoutMs);
      const timer = opts.streaming
        ? setTimeout(() => {
            timedOut = true;
            ctl.abort();
          }, spec.timeoutMs)
        : undefined;
      const signal = spec.signal ? AbortSignal.any([spec.signal, timeoutSignal]) : timeoutSignal;
      const isTimeout = () => timedOut || (!opts.streaming && timeoutSignal.aborted);

      const thrown = async (err: unknown, sent: "maybe" | "yes") => {
        if (timer) clearTimeout(timer);
        if (spec.signal?.aborted) throw spec.signal.reason;
        if (err instanceof RunpodError) throw err;
        const timeout = isTimeout();
        const cause = describeCause(err, redact);
        const notSent = sent === "maybe" && !timeout && cause.code !== null && NOT_SENT_CODES.has(cause.code);
        const kind: "timeout" | "network" = timeout ? "timeout" : "network";
        if (canRetry && (spec.idempotent || notSent)) {
          await retryAfter(kind, backoffDelay(attempt));
          return;
        }
        const detail = timeout ? `no complete response within ${spec.timeoutMs} ms` : `network error: ${cause.text}`;
        if (!spec.idempotent && !notSent) throw fail(spec, "ambiguous", detail, { reason: kind as AmbiguousReason, attempts: attempt, causeText: cause.text });
        throw fail(spec, kind, detail, { attempts: attempt, causeText: cause.text });
      };

      let res: Response;
      try {
        res = await fetchImpl(url, { method: spec.method, headers, body, signal, redirect: "manual" });
      } catch (err) {
        // no headers within the window: for the log route that is an answer (no line yet), not a failure
        if (opts.onHeadersTimeout && timedOut && !spec.signal?.aborted) {
          if (timer) clearTimeout(timer);
          return opts.onHeadersTimeout();
        }
        await thrown(err, "maybe");
        continue;
      }
      tracker.observe(scope, res.headers);

      if (res.status >= 200 && res.status < 300) {
        try {
          const out = await consume(res, attempt, isTimeout);
          if (timer) clearTimeout(timer);
          return out;
        } catch (err) {
          await thrown(err, "yes");
          continue;
        }
      }

      // Non-2xx: read the (small) error body, bounded by the same timeout.
      let text = "";
      try {
        text = await res.text();
      } catch {
        // the status alone is enough to classify
      }
      if (timer) clearTimeout(timer);

      if (res.status === 404 && opts.onNotFound) return opts.onNotFound();
      const { problem, bodySnippet } = parseErrorBody(text, redact);
      const detail = problem?.detail ?? problem?.title ?? bodySnippet ?? res.statusText ?? "";

      if (res.status === 429) {
        const ra = parseRetryAfter(res.headers.get("retry-after"), clock());
        const jitter = ra !== null ? Math.round(random() * Math.min(1000, ra * 0.1)) : 0;
        const wait = tracker.rateLimited(scope, ra !== null ? ra + jitter : null, backoffDelay(attempt));
        const givingUp = !canRetry || wait > maxRateLimitWaitMs;
        options.onRateLimit?.({ type: "429", scope, operation: spec.operation, waitMs: wait, givingUp, state: tracker.snapshot().scopes[scope] });
        if (givingUp) throw fail(spec, "rate_limited", detail || "rate limit exceeded", { status: 429, retryAfterMs: wait, problem, bodySnippet, attempts: attempt });
        log?.warn("runpod rate limited", { operation: spec.operation, attempt, waitMs: wait });
        continue; // throttle() sleeps until the block ends
      }

      if (res.status >= 500) {
        if (spec.idempotent && canRetry) {
          await retryAfter("server", backoffDelay(attempt), res.status);
          continue;
        }
        if (!spec.idempotent) throw fail(spec, "ambiguous", detail || "server error", { status: res.status, reason: "server", problem, bodySnippet, attempts: attempt });
        throw fail(spec, "server", detail || "server error", { status: res.status, problem, bodySnippet, attempts: attempt });
      }

      if (res.status >= 300 && res.status < 400) {
        throw fail(spec, "malformed", `unexpected redirect (HTTP ${res.status}); check the base URL`, { status: res.status, attempts: attempt });
      }
      throw fail(spec, kindForStatus(res.status), detail || `HTTP ${res.status}`, { status: res.status, problem, bodySnippet, attempts: attempt });
    }
  };

  const json = <T>(spec: JsonSpec<T>): Promise<T> =>
    execute<T>(
      spec,
      async (res, attempt) => {
        const text = await res.text();
        const malformed = (detail: string) => {
          const bodySnippet = redact(text.trim().slice(0, 200));
          // A garbage 2xx to /run still means the job was probably queued.
          if (!spec.idempotent) return fail(spec, "ambiguous", detail, { status: res.status, reason: "malformed", bodySnippet, attempts: attempt });
          return fail(spec, "malformed", detail, { status: res.status, bodySnippet, attempts: attempt });
        };
        let data: unknown;
        try {
          data = text.trim() === "" ? undefined : JSON.parse(text);
        } catch {
          throw malformed("response body is not JSON");
        }
        const parsed = spec.schema.safeParse(data);
        if (!parsed.success) {
          const issues = parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
            .join("; ");
          throw malformed(`unexpected response shape: ${issues}`);
        }
        return parsed.data;
      },
      { onNotFound: spec.onNotFound },
    );

  const need = (name: string, v: unknown, operation: string): string => {
    if (typeof v !== "string" || v.trim() === "" || /[\s/?#]/.test(v)) {
      throw new RunpodError({ kind: "bad_request", operation, message: `RunPod ${operation}: ${name} must be a non-empty id without spaces, "/", "?" or "#"` });
    }
    return v;
  };
  const seg = encodeURIComponent;
  const jobs = (endpointId: string, rest: string) => `/v2/${seg(endpointId)}${rest}`;
  const waitParam = (ms: number | undefined, def: number) => Math.min(300_000, Math.max(1000, Math.round(ms ?? def)));

  const checkRunBody = (body: RunRequest, operation: string) => {
    if (!body || typeof body !== "object" || body.input === undefined) {
      throw new RunpodError({ kind: "bad_request", operation, message: `RunPod ${operation}: body.input is required` });
    }
  };

  /**
   * Every JSON method: check the ids, then build the request (after the checks, so a bad id is
   * reported before anything else) and send it with the caller's signal. A long-poll `wait` goes
   * into the query and is added to the per-call timeout. Async so a failed check rejects rather than throws.
   */
  const request = async <T>(
    operation: string,
    surface: Surface,
    ids: { endpointId?: string; jobId?: string },
    opts: CallOptions,
    build: () => Omit<JsonSpec<T>, "operation" | "surface" | "endpointId" | "jobId" | "timeoutMs" | "signal"> & { wait?: number },
  ): Promise<T> => {
    for (const [name, value] of Object.entries(ids)) need(name, value, operation);
    const { wait, ...req } = build();
    return json<T>({
      operation,
      surface,
      ...ids,
      ...req,
      query: wait !== undefined ? { ...req.query, wait } : req.query,
      timeoutMs: (wait ?? 0) + (opts.timeoutMs ?? timeoutMs),
      signal: opts.signal,
    });
  };

  const statusRequest = (path: string, jobId: string, wait?: number) => ({
    method: "GET" as const,
    path,
    wait,
    idempotent: true,
    schema: JobStatusDocSchema.transform((d): StatusResult => ({ expired: false, job: { ...d, id: d.id ?? jobId } })),
    onNotFound: (): StatusResult => ({ expired: true, job: null }),
  });

  const jobAction = (d: { id?: string | undefined; status: JobActionResponse["status"] }, jobId: string): JobActionResponse => ({ id: d.id ?? jobId, status: d.status });

  const client: RunpodClient = {
    run: (endpointId, body, opts = {}) =>
      request("run", "jobs", { endpointId }, opts, () => {
        checkRunBody(body, "run");
        return { method: "POST", path: jobs(endpointId, "/run"), body, idempotent: false, schema: RunResponseSchema };
      }),

    runSync: (endpointId, body, opts = {}) =>
      request("runSync", "jobs", { endpointId }, opts, () => {
        checkRunBody(body, "runSync");
        return {
          method: "POST",
          path: jobs(endpointId, "/runsync"),
          wait: waitParam(opts.waitMs, DEFAULTS.runSyncWaitMs),
          body,
          idempotent: false,
          schema: JobStatusDocSchema.refine((d) => typeof d.id === "string" && d.id !== "", { message: "id is missing" }).transform((d) => d as JobStatusDoc),
        };
      }),

    status: (endpointId, jobId, opts = {}) =>
      request("status", "jobs", { endpointId, jobId }, opts, () => statusRequest(jobs(endpointId, `/status/${seg(jobId)}`), jobId)),

    statusSync: (endpointId, jobId, opts = {}) =>
      request("statusSync", "jobs", { endpointId, jobId }, opts, () =>
        statusRequest(jobs(endpointId, `/status-sync/${seg(jobId)}`), jobId, waitParam(opts.waitMs, DEFAULTS.streamWaitMs)),
      ),

    stream: (endpointId, jobId, opts = {}) =>
      request("stream", "jobs", { endpointId, jobId }, opts, () => ({
        method: "GET",
        path: jobs(endpointId, `/stream/${seg(jobId)}`),
        wait: waitParam(opts.waitMs, DEFAULTS.streamWaitMs),
        idempotent: true,
        schema: StreamResponseSchema,
      })),

    cancel: (endpointId, jobId, opts = {}) =>
      request("cancel", "jobs", { endpointId, jobId }, opts, () => ({
        method: "POST",
        path: jobs(endpointId, `/cancel/${seg(jobId)}`),
        // cancelling twice has the same effect as once
        idempotent: true,
        schema: JobActionResponseSchema.transform((d) => jobAction(d, jobId)),
      })),

    retry: (endpointId, jobId, opts = {}) =>
      request("retry", "jobs", { endpointId, jobId }, opts, () => ({
        method: "POST",
        path: jobs(endpointId, `/retry/${seg(jobId)}`),
        // a resent /retry could re-run a job that already failed again
        idempotent: false,
        schema: JobActionResponseSchema.transform((d) => jobAction(d, jobId)),
      })),

    purgeQueue: (endpointId, opts = {}) =>
      request("purgeQueue", "jobs", { endpointId }, opts, () => ({
        method: "POST",
        path: jobs(endpointId, "/purge-queue"),
        // a resent purge would also drop jobs queued in between
        idempotent: false,
        schema: PurgeQueueResponseSchema,
      })),

    health: (endpointId, opts = {}) =>
      request("health", "jobs", { endpointId }, opts, () => ({ method: "GET", path: jobs(endpointId, "/health"), idempotent: true, schema: HealthSchema })),

    // The v2 doc defines no pagination for this list (docs/runpod-api.md 4.1).
    listEndpoints: (opts = {}) =>
      request("listEndpoints", "management", {}, opts, () => ({ method: "GET", path: "/v2/serverless", idempotent: true, schema: ListEndpointsResponseSchema })),

    getEndpoint: (endpointId, opts = {}) =>
      request("getEndpoint", "management", { endpointId }, opts, () => ({
        method: "GET",
        path: `/v2/serverless/${seg(endpointId)}`,
        idempotent: true,
        schema: EndpointSchema,
      })),

    updateEndpointWorkers: (endpointId, workers, opts = {}) =>
      request("updateEndpointWorkers", "management", { endpointId }, opts, () => ({
        method: "PATCH",
        path: `/v2/serverless/${seg(endpointId)}`,
        body: { workers },
        idempotent: true,
        schema: EndpointSchema,
      })),

    listWorkers: (endpointId, opts = {}) =>
      request("listWorkers", "management", { endpointId }, opts, () => ({
        method: "GET",
        path: `/v2/serverless/${seg(endpointId)}/workers`,
        idempotent: true,
        schema: ListWorkersResponseSchema,
      })),

    async workerLogs(endpointId, workerId, opts = {}) {
      const it = client.streamWorkerLogs(endpointId, workerId, opts);
      const lines: LogLine[] = [];
      for (;;) {
        let r: IteratorResult<LogLine, LogStreamEnd>;
        try {
          r = await it.next();
        } catch (err) {
          // Keep what was read before a mid-stream failure; fail only if nothing arrived.
          if (lines.length === 0 || !(err instanceof RunpodError)) throw err;
          return { lines, lastEventId: lastIdOf(lines) ?? opts.lastEventId ?? null, endedBy: "error", error: err };
        }
        if (r.done) return { lines, lastEventId: r.value.lastEventId, endedBy: r.value.endedBy };
        lines.push(r.value);
      }
    },

    async *streamWorkerLogs(endpointId, workerId, opts = {}) {
      need("endpointId", endpointId, "workerLogs");
      need("workerId", workerId, "workerLogs");
      const started = clock();
      const maxDurationMs = opts.maxDurationMs ?? 5000;
      const lastEventId = opts.lastEventId ?? null;
      const query: Record<string, string | number | undefined> = { source: opts.source };
      if (lastEventId === null) {
        if (opts.since !== undefined) query.since = opts.since instanceof Date ? opts.since.toISOString() : opts.since;
        else if (opts.tail !== undefined) query.tail = Math.max(0, Math.min(5000, Math.floor(opts.tail)));
      }
      const spec: CallSpec = {
        operation: "workerLogs",
        surface: "management",
        endpointId,
        method: "GET",
        path: `/v2/serverless/${seg(endpointId)}/workers/${seg(workerId)}/logs`,
        query,
        headers: lastEventId !== null ? { "Last-Event-ID": lastEventId } : undefined,
        idempotent: true,
        timeoutMs: Math.max(1, Math.min(opts.connectTimeoutMs ?? timeoutMs, maxDurationMs)),
        signal: opts.signal,
      };
      // RunPod sends no headers until it has a line (runpodctl logs.go): one request, no retry, "quiet"
      const res = await execute<Response | null>(
        spec,
        async (r) => {
          const type = r.headers.get("content-type") ?? "";
          if (!type.includes("text/event-stream") || !r.body) {
            await r.body?.cancel().catch(() => undefined);
            throw fail(spec, "malformed", `expected text/event-stream, got "${type.slice(0, 60) || "no content type"}"`, { status: r.status });
          }
          return r;
        },
        { streaming: true, onHeadersTimeout: () => null },
      );
      if (res === null) return { lastEventId, endedBy: "quiet" };
      const remaining = Math.max(0, maxDurationMs - (clock() - started));
      return yield* readLogStream(res, {
        ...opts,
        maxDurationMs: remaining,
        lastEventId,
        source: opts.source,
        signal: opts.signal,
        streamError: (detail: string) => fail(spec, "network", detail),
      });
    },

    rateLimitState() {
      return tracker.snapshot();
    },
  };
  return client;
}

function lastIdOf(lines: LogLine[]): string | null {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].id) return lines[i].id;
  return null;
}
