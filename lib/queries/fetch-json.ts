import type { z } from "zod";

/** An error answer of sweepwatch's JSON API, as seen by the browser. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

interface FetchJsonOptions {
  /** Non-2xx statuses whose body is still a valid answer of `schema` (e.g. 503 from /api/health). */
  acceptStatuses?: number[];
  signal?: AbortSignal;
}

/** GETs a JSON route and parses the answer with the schema the route handler also uses. */
export async function fetchJson<S extends z.ZodType>(url: string, schema: S, opts: FetchJsonOptions = {}): Promise<z.output<S>> {
  const res = await fetch(url, { headers: { accept: "application/json" }, cache: "no-store", signal: opts.signal });
  const body: unknown = await res.json().catch(() => undefined);
  if (res.ok || opts.acceptStatuses?.includes(res.status)) {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw new ApiError(res.status, "bad_response", `Unexpected answer from ${url}.`);
  }
  const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  throw new ApiError(res.status, err?.code ?? "http_error", err?.message ?? `${url} answered ${res.status}.`);
}
