import type { z } from "zod";
import { ApiError } from "./fetch-json";

/** Cookie and header of sweepwatch's CSRF protection (lib/auth/csrf.ts checks them). */
export const CSRF_COOKIE = "sw_csrf";
const CSRF_HEADER = "x-csrf-token";

export function readCsrfToken(): string | undefined {
  if (typeof document === "undefined") return undefined;
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === CSRF_COOKIE) return decodeURIComponent(v.join("="));
  }
  return undefined;
}

/** Headers every state-changing fetch from the browser must carry (use with raw fetch, e.g. uploads). */
export function csrfHeaders(): Record<string, string> {
  const t = readCsrfToken();
  return t ? { [CSRF_HEADER]: t } : {};
}

/**
 * POST/PUT/PATCH/DELETE to a JSON route from the browser, with the CSRF header, and parse the
 * answer with the route's response schema. Errors become ApiError with the server's message.
 */
export async function sendJson<S extends z.ZodType>(
  method: "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  body: unknown,
  schema: S,
  opts: { signal?: AbortSignal } = {},
): Promise<z.output<S>> {
  const res = await fetch(url, {
    method,
    headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }), ...csrfHeaders() },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
    credentials: "same-origin",
    signal: opts.signal,
  });
  const data: unknown = await res.json().catch(() => undefined);
  if (res.ok) {
    const parsed = schema.safeParse(data);
    if (parsed.success) return parsed.data;
    throw new ApiError(res.status, "bad_response", `Unexpected answer from ${url}.`);
  }
  const err = (data as { error?: { code?: string; message?: string; issues?: { path: string; message: string }[] } } | undefined)?.error;
  const detail = err?.issues?.length ? ` ${err.issues.map((i) => `${i.path.replace(/^body\./, "")}: ${i.message}`).join("; ")}` : "";
  throw new ApiError(res.status, err?.code ?? "http_error", (err?.message ?? `${url} answered ${res.status}.`) + detail);
}
