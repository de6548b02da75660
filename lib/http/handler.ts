import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { AppError, type ErrorBody, type ErrorIssue } from "./errors";
import type { RouteSpec } from "./spec";
import { authorize, type Principal } from "@/lib/auth/authorize";
import { createLogger } from "@/lib/log";
import { createCtx, type Ctx } from "@/lib/ctx";

const log = createLogger("api");
const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

/** Answers 503 with a clear message when a handler runs past its limit (the work itself is not cancelled). */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError("unavailable", `The request took longer than ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`} and was stopped. Try a narrower query or again later.`)), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * PostgreSQL text cannot hold U+0000 and jsonb refuses unpaired UTF-16 surrogates ("\ud800"):
 * refuse both up front (422 naming the field) instead of failing at insert.
 */
function unstorable(s: string): boolean {
  return s.includes("\u0000") || !s.isWellFormed();
}

function findUnstorable(v: unknown, path: string, depth = 0): string | null {
  if (typeof v === "string") return unstorable(v) ? path : null;
  if (depth > 64 || v === null || typeof v !== "object") return null;
  for (const [k, child] of Object.entries(v)) {
    if (unstorable(k)) return path;
    const hit = findUnstorable(child, `${path}.${k}`, depth + 1);
    if (hit) return hit;
  }
  return null;
}

export function rejectUnstorable(v: unknown, prefix: string): void {
  const path = findUnstorable(v, prefix);
  if (path) throw new AppError("validation_failed", "Input contains a NUL (\\u0000) character or an unpaired surrogate.", { issues: [{ path, message: "must not contain NUL (\\u0000) characters or unpaired UTF-16 surrogates" }] });
}

export interface HandlerContext<Q, B> {
  req: NextRequest;
  query: Q;
  body: B;
  params: Record<string, string>;
  principal: Principal;
  /** The feature functions' context (`fn(input, ctx)`): the shared database, the wall clock, this principal. */
  ctx: Ctx;
}

type RouteCtx = { params: Promise<Record<string, string | string[]>> };

function issuesOf(err: z.ZodError, prefix: string): ErrorIssue[] {
  return err.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join("."),
    message: i.message,
  }));
}

export function toErrorResponse(err: unknown): NextResponse<ErrorBody> {
  if (err instanceof AppError) {
    const body: ErrorBody = { error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } };
    return NextResponse.json(body, { status: err.status, headers: err.headers });
  }
  log.error("unhandled error in route", { error: err });
  return NextResponse.json<ErrorBody>(
    { error: { code: "internal", message: "Internal error. It has been logged." } },
    { status: 500 },
  );
}

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const text = (await readBodyLimited(req, maxBytes)).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "Request body is not valid JSON.");
  }
}

/** The raw request body; 413 ("<what> exceeds N bytes.") when its declared length or what arrives is over `maxBytes`. */
export async function readBodyLimited(req: Request, maxBytes: number, what = "Request body"): Promise<Buffer> {
  const tooLarge = () => new AppError("payload_too_large", `${what} exceeds ${maxBytes} bytes.`);
  if (Number(req.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Wraps a route handler: access check, query/body parsing with zod (422 naming
 * the field), output validation, and one error shape for everything else.
 */
export function apiRoute<Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  spec: RouteSpec<Q, B, R>,
  fn: (ctx: HandlerContext<z.output<Q>, z.output<B>>) => Promise<z.input<R> | Response>,
) {
  return async (req: NextRequest, routeCtx?: RouteCtx): Promise<Response> => {
    try {
      // the request's context names no one until authorize has found who is calling
      const principal = await authorize({ req, access: spec.access }, createCtx());
      const rawParams = routeCtx?.params ? await routeCtx.params : {};
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(rawParams)) params[k] = Array.isArray(v) ? v.join("/") : v;
      rejectUnstorable(params, "params");

      let query: unknown = {};
      if (spec.query) {
        const rawQuery = queryObject(new URL(req.url));
        rejectUnstorable(rawQuery, "query");
        const parsed = spec.query.safeParse(rawQuery);
        if (!parsed.success) throw new AppError("validation_failed", "Invalid query parameters.", { issues: issuesOf(parsed.error, "query") });
        query = parsed.data;
      }
      let body: unknown = undefined;
      if (spec.body) {
        const raw = await readJsonBody(req, spec.maxBodyBytes ?? DEFAULT_MAX_BODY);
        rejectUnstorable(raw, "body");
        const parsed = spec.body.safeParse(raw);
        if (!parsed.success) throw new AppError("validation_failed", "Invalid request body.", { issues: issuesOf(parsed.error, "body") });
        body = parsed.data;
      }
      const result = await withTimeout(fn({ req, query: query as z.output<Q>, body: body as z.output<B>, params, principal, ctx: createCtx({ principal }) }), spec.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      if (result instanceof Response) return result;
      const output = spec.response ? spec.response.parse(result) : result;
      return NextResponse.json(output, { status: spec.successStatus ?? 200 });
    } catch (err) {
      return toErrorResponse(err);
    }
  };
}
