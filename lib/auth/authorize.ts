// Service: who is calling, and may they (access rules, CSRF).
import type { Access } from "@/lib/http/spec";
import type { Ctx } from "@/lib/ctx";
import { AppError } from "@/lib/http/errors";
import { loadEnv } from "@/lib/env";
import { authenticateApiToken } from "./service";
import { ANONYMOUS, type Principal } from "./principal";
import { resolveSession } from "./session";
import { SESSION_COOKIE, isLocalRequest, readCookie } from "./request";
import { assertCsrf, assertSameOrigin, demoCsrfExpected, looksLikeBrowser, SAFE_METHODS } from "./csrf";
import { accessSatisfied, describeAccess } from "@/lib/domain/roles";

export type { Principal } from "./principal";

/** The principal of demo-mode requests from localhost (no account needed; never in live mode). */
export const DEMO_PRINCIPAL: Principal = { kind: "user", id: null, name: "demo (localhost)", role: "admin", via: "demo" };

export type RequestLike = Pick<Request, "headers" | "method">;

export interface ResolvedPrincipal {
  principal: Principal;
  /** What the X-CSRF-Token header must equal on state-changing requests; null = not needed (bearer, anonymous). */
  csrf: { expected: string | undefined; required: boolean } | null;
}

/**
 * Who is calling, in this order: `Authorization: Bearer swt_…` (an API token; a bad one is
 * a 401), the session cookie, demo mode on localhost, else anonymous.
 */
export async function resolvePrincipal(input: { req: RequestLike }, ctx: Ctx<unknown>): Promise<ResolvedPrincipal> {
  const { req } = input;
  const auth = req.headers.get("authorization");
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!m) throw new AppError("unauthorized", "Authorization header must be `Bearer <token>`.", { headers: { "www-authenticate": "Bearer" } });
    const tok = await authenticateApiToken({ secret: m[1] }, ctx);
    if (!tok) throw new AppError("unauthorized", "API token is invalid, expired or revoked.", { headers: { "www-authenticate": "Bearer" } });
    return {
      principal: { kind: "token", id: tok.id, name: `token:${tok.name}`.slice(0, 255), role: tok.role, via: "bearer", userId: tok.createdById },
      csrf: null,
    };
  }
  const session = await resolveSession({ token: readCookie(req, SESSION_COOKIE) }, ctx);
  if (session) return { principal: session.principal, csrf: { expected: session.csrfToken, required: true } };
  if (loadEnv().mode === "demo" && isLocalRequest(req)) {
    // Not cookie-authenticated, but ambient like a cookie: browsers must prove same-origin.
    return { principal: DEMO_PRINCIPAL, csrf: { expected: demoCsrfExpected(req), required: looksLikeBrowser(req) } };
  }
  return { principal: ANONYMOUS, csrf: null };
}

/**
 * Resolves who is calling and checks the route's access rule (lib/domain/roles.ts):
 * 401 without credentials, 403 when the role is not enough or the CSRF check fails.
 * "secret" routes check their own secret and get ANONYMOUS here.
 */
export async function authorize(input: { req: RequestLike; access: Access }, ctx: Ctx<unknown>): Promise<Principal> {
  const { req, access } = input;
  if (access === "secret") return ANONYMOUS;
  const { principal, csrf } = await resolvePrincipal({ req }, ctx);
  const unsafe = !SAFE_METHODS.has(req.method.toUpperCase());
  if (access !== "public") {
    if (!principal.role) {
      throw new AppError("unauthorized", "Sign in, or send an API token as `Authorization: Bearer <token>`.", { headers: { "www-authenticate": "Bearer" } });
    }
    if (!accessSatisfied(principal.role, access)) {
      throw new AppError("forbidden", `This needs ${describeAccess(access)}${access === "admin" ? "" : " (or admin)"}; you are ${principal.role}.`);
    }
  }
  if (unsafe) {
    if (csrf?.required) assertCsrf(req, csrf.expected);
    else if (!csrf && principal.via !== "bearer") assertSameOrigin(req);
  }
  return principal;
}
