import type { IncomingMessage, ServerResponse } from "node:http";
import { SimError, type SimEngine, type SimJob, type SimWorker } from "./engine";

/**
 * The worker-facing callbacks runpod-python uses (docs/runpod-api.md section 6), served for
 * endpoints whose behaviour is `external`: a real worker (or a test acting as one) takes
 * jobs and reports results, and shows up in the v2 workers list.
 *   GET  /v2/{ep}/job-take/{workerId}?job_in_progress=0|1
 *   GET  /v2/{ep}/job-take-batch/{workerId}?batch_size=N
 *   POST /v2/{ep}/job-done/{workerId}/{jobId}?isStream=...   (raw JSON body, any content type)
 *   POST /v2/{ep}/job-stream/{workerId}/{jobId}
 *   GET  /v2/{ep}/ping/{workerId}?job_id=...&status=unhealthy&check=...&reason=...
 *   GET  /v2/{ep}/job-stop/{workerId}
 */
export const WORKER_OPS = new Set(["job-take", "job-take-batch", "job-done", "job-stream", "ping", "job-stop"]);

type Reply = (status: number, body?: unknown) => void;

function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      if (text.length < 20 * 1024 * 1024) text += c;
    });
    req.on("end", () => {
      try {
        const v = JSON.parse(text) as unknown;
        resolve(v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
      } catch {
        resolve(null);
      }
    });
    req.on("error", () => resolve(null));
  });
}

function jobPayload(job: SimJob) {
  const p: Record<string, unknown> = { id: job.id, input: job.input };
  if (job.webhook) p.webhook = job.webhook;
  return p;
}

export async function routeWorker(engine: SimEngine, req: IncomingMessage, res: ServerResponse, parts: string[], query: URLSearchParams, reply: Reply) {
  const [, , epId, op, workerId, jobId] = parts;
  if (!workerId || !/^[A-Za-z0-9_-]{1,64}$/.test(workerId)) return reply(404, { title: "Not Found", status: 404, detail: "not found" });
  let w: SimWorker;
  try {
    w = engine.touchExternalWorker(epId, workerId);
  } catch (err) {
    if (err instanceof SimError) return reply(err.status, { title: "Not Found", status: err.status, detail: err.message });
    throw err;
  }
  const ep = engine.getEndpoint(epId)!;
  const b = ep.behaviour.type === "external" ? ep.behaviour : null;
  const holdMs = b?.longPollMs ?? 0;
  const clock = engine.clock;

  /** Waits (simulator time) until ready() or holdMs, then answers with answer(). */
  const longPoll = (register: (wake: () => void) => void, ready: () => boolean, answer: () => void) => {
    if (ready() || holdMs === 0) return answer();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clock.clearTimer(timer);
      answer();
    };
    const timer = clock.setTimer(finish, holdMs);
    const arm = () =>
      register(() => {
        if (done) return;
        if (ready()) finish();
        else arm();
      });
    arm();
    res.on("close", () => {
      done = true;
      clock.clearTimer(timer);
    });
  };

  switch (op) {
    case "job-take":
    case "job-take-batch": {
      if (jobId !== undefined) return reply(404, { title: "Not Found", status: 404, detail: "not found" });
      const n = op === "job-take" ? 1 : Math.max(1, Math.min(100, Number(query.get("batch_size") ?? 1) || 1));
      return longPoll(
        (wake) => ep.queueWaiters.push(wake),
        () => ep.inQueue > 0,
        () => {
          if (res.destroyed) return;
          const jobs = w.status === "UNHEALTHY" ? [] : engine.takeJobs(ep, w, n);
          if (jobs.length === 0) return reply(204);
          reply(200, op === "job-take" ? jobPayload(jobs[0]) : jobs.map(jobPayload));
        },
      );
    }
    case "job-done":
    case "job-stream": {
      if (req.method !== "POST") return reply(405, { title: "Method Not Allowed", status: 405, detail: "POST only" });
      if (!jobId) return reply(404, { title: "Not Found", status: 404, detail: "not found" });
      const body = await readJson(req);
      if (!body) return reply(400, { title: "Bad Request", status: 400, detail: "body must be a JSON object" });
      try {
        if (op === "job-done") engine.jobDone(ep, w, jobId, body);
        else engine.jobStreamChunk(ep, w, jobId, body);
      } catch (err) {
        if (err instanceof SimError) return reply(err.status, { title: "Bad Request", status: err.status, detail: err.message });
        throw err;
      }
      return reply(200, {});
    }
    case "ping": {
      if (query.get("status") === "unhealthy") {
        engine.markExternalUnhealthy(ep, w, `fitness check failed: ${query.get("check") ?? "unknown"}`);
      }
      return reply(200, {});
    }
    case "job-stop":
      return longPoll(
        (wake) => w.stopWaiters.push(wake),
        () => w.stopList.length > 0,
        () => {
          if (res.destroyed) return;
          const ids = engine.drainStops(w);
          if (ids.length === 0) return reply(204);
          reply(200, { jobsToStop: ids });
        },
      );
    default:
      return reply(404, { title: "Not Found", status: 404, detail: "not found" });
  }
}
