/**
 * Helpers for database tests that call route handlers directly (no server): discover
 * every app/api/** /route.ts, create principals of each role, and build requests.
 * Used by lib/auth/*.db.test.ts; other helpers' db tests may use them too.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { NextRequest } from "next/server";
import type { HttpMethod, Role } from "@/lib/http/spec";
import { createApiToken } from "@/lib/auth/service";
import { createUser } from "@/lib/auth/service";
import { createSession } from "./session";
import { SYSTEM_PRINCIPAL } from "./principal";
import { createCtx } from "@/lib/ctx";
import { ROLES } from "@/lib/domain/roles";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const HTTP_METHODS: HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

export interface RouteFile {
  file: string;
  /** OpenAPI-style path: app/api/jobs/[id]/route.ts → /api/jobs/{id} */
  path: string;
  params: string[];
}

export function findRouteFiles(apiDir = path.join(ROOT, "app", "api")): RouteFile[] {
  const out: RouteFile[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^route\.(ts|tsx|js|mjs)$/.test(e.name)) {
        const rel = path.relative(path.join(ROOT, "app"), path.dirname(p)).split(path.sep);
        // Route groups "(x)" do not appear in URLs.
        const segs = rel.filter((s) => !(s.startsWith("(") && s.endsWith(")")));
        const params: string[] = [];
        const apiPath =
          "/" +
          segs
            .map((s) => {
              const m = /^\[{1,2}(?:\.\.\.)?([^\]]+)\]{1,2}$/.exec(s);
              if (!m) return s;
              params.push(m[1]);
              return `{${m[1]}}`;
            })
            .join("/");
        out.push({ file: p, path: apiPath, params });
      }
    }
  };
  walk(apiDir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export interface RoleCredentials {
  role: Role;
  userId: string;
  username: string;
  password: string;
  bearer: string;
  sessionToken: string;
  csrfToken: string;
}

/** One user per role, each with an API token of that role and a session. */
export async function createRoleCredentials(): Promise<Record<Role, RoleCredentials>> {
  const out = {} as Record<Role, RoleCredentials>;
  const ctx = createCtx({ principal: SYSTEM_PRINCIPAL });
  for (const role of ROLES) {
    const username = uniqueName(`t-${role}`);
    const password = `pw-${randomBytes(8).toString("hex")}`;
    const user = await createUser({ username, password, role }, ctx);
    const { secret } = await createApiToken({ name: `${role} test token`, role, createdById: user.id }, ctx);
    const s = await createSession({ userId: user.id, userAgent: "vitest", ip: "127.0.0.1" }, ctx);
    out[role] = { role, userId: user.id, username, password, bearer: secret, sessionToken: s.token, csrfToken: s.csrfToken };
  }
  return out;
}

export function makeRequest(
  method: string,
  urlPath: string,
  opts: { headers?: Record<string, string>; body?: unknown; host?: string; remote?: string } = {},
): NextRequest {
  const host = opts.host ?? "sweepwatch.test";
  const headers = new Headers({ host, "x-forwarded-for": opts.remote ?? "203.0.113.10", ...opts.headers });
  let body: string | undefined;
  if (opts.body !== undefined && method !== "GET" && method !== "HEAD") {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return new NextRequest(`http://${host}${urlPath}`, { method, headers, body });
}

export function sessionHeaders(c: Pick<RoleCredentials, "sessionToken" | "csrfToken">, host = "sweepwatch.test"): Record<string, string> {
  return {
    cookie: `sw_session=${c.sessionToken}; sw_csrf=${c.csrfToken}`,
    "x-csrf-token": c.csrfToken,
    origin: `http://${host}`,
    "sec-fetch-site": "same-origin",
  };
}

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;

/** Calls an exported route handler with path params, resolving within `timeoutMs` or failing with the route's name. */
export async function callHandler(
  mod: Record<string, unknown>,
  method: string,
  req: NextRequest,
  params: Record<string, string | string[]> = {},
  timeoutMs = 15_000,
): Promise<Response> {
  const fn = mod[method] as Handler | undefined;
  if (typeof fn !== "function") throw new Error(`no ${method} export`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${method} ${req.nextUrl.pathname} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([fn(req, { params: Promise.resolve(params) }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RouteAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests check answers field by field
  json: any;
}

/** Builds a request, calls the route module's handler for `method`, and reads the answer as text and JSON. */
export async function callRoute(
  mod: Record<string, unknown>,
  method: string,
  urlPath: string,
  opts: { headers?: Record<string, string>; body?: unknown; params?: Record<string, string | string[]> } = {},
): Promise<RouteAnswer> {
  const res = await callHandler(mod, method, makeRequest(method, urlPath, { headers: opts.headers, body: opts.body }), opts.params ?? {});
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Reads at most `maxBytes` of a body (streams such as SSE are cut off), within `timeoutMs`. */
export async function readSome(res: Response, maxBytes = 256 * 1024, timeoutMs = 2_000): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const deadline = Date.now() + timeoutMs;
  try {
    while (size < maxBytes) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([
        reader.read(),
        new Promise<{ done: true; value: undefined }>((resolve) => {
          timer = setTimeout(() => resolve({ done: true, value: undefined }), left);
        }),
      ]);
      clearTimeout(timer);
      if (r.done || !r.value) break;
      chunks.push(r.value);
      size += r.value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Imports the route module serving an API path (e.g. "/api/tokens/{id}"), found on disk like the access test does. */
export async function importRoute(apiPath: string): Promise<Record<string, unknown>> {
  const f = findRouteFiles().find((r) => r.path === apiPath);
  if (!f) throw new Error(`no app/api route file serves ${apiPath}`);
  return (await import(/* @vite-ignore */ f.file)) as Record<string, unknown>;
}
