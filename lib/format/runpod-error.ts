/**
 * A job's `error` as runpod-python writes it when a handler raises: a JSON string of
 * { error_type, error_message, error_traceback, hostname, worker_id, runpod_version }
 * (runpod/runpod-python, runpod/serverless/modules/rp_job.py, run_job). Anything else is shown as text.
 */
export interface RunpodError {
  type: string | null;
  message: string;
  traceback: string | null;
  workerId: string | null;
  hostname: string | null;
  runpodVersion: string | null;
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" && v !== "unknown" ? v : null);

export function parseRunpodError(error: string | null | undefined): RunpodError | null {
  if (!error) return null;
  const text = error.trim();
  if (text.startsWith("{")) {
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      if (o && typeof o === "object" && ("error_message" in o || "error_traceback" in o)) {
        // str(type(err)) is "<class 'ValueError'>": show the class name.
        const type = str(o.error_type)?.replace(/^<class '(.+)'>$/, "$1") ?? null;
        return {
          type,
          message: str(o.error_message) ?? "",
          traceback: str(o.error_traceback)?.replace(/\s+$/, "") ?? null,
          workerId: str(o.worker_id),
          hostname: str(o.hostname),
          runpodVersion: str(o.runpod_version),
        };
      }
    } catch {
      // not JSON after all: plain text below
    }
  }
  // Generator handlers: "handler: <message> \ntraceback: <traceback>"
  const gen = /^handler: ([\s\S]*?)\s*\ntraceback: ([\s\S]*)$/.exec(text);
  if (gen) return { type: null, message: gen[1], traceback: gen[2].replace(/\s+$/, ""), workerId: null, hostname: null, runpodVersion: null };
  return { type: null, message: text, traceback: null, workerId: null, hostname: null, runpodVersion: null };
}
