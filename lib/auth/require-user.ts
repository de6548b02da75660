import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Access } from "@/lib/http/spec";
import { createCtx } from "@/lib/ctx";
import { resolvePrincipal } from "./authorize";
import type { Principal } from "./principal";
import { accessSatisfied } from "@/lib/domain/roles";
import { safeNextPath } from "./request";

/** The caller of the page being rendered (server components, server actions), or ANONYMOUS. Never redirects. */
export async function getCurrentPrincipal(): Promise<Principal> {
  const h = await headers();
  try {
    const { principal } = await resolvePrincipal({ req: { headers: h, method: "GET" } }, createCtx());
    return principal;
  } catch {
    return { kind: "anonymous", id: null, name: "anonymous", role: null };
  }
}

/**
 * For server components, layouts and server actions: the signed-in principal with at least
 * `access` (default viewer). Not signed in → redirect to /login?next=<path>; signed in with
 * too low a role → /login?reason=forbidden&need=<role>. Server actions must also check CSRF
 * themselves; Next.js already refuses cross-origin server-action posts.
 */
export async function requireUser(access: Exclude<Access, "public" | "secret"> = "viewer", opts: { path?: string } = {}): Promise<Principal> {
  const principal = await getCurrentPrincipal();
  const h = await headers();
  const next = safeNextPath(opts.path ?? h.get("x-sweepwatch-path") ?? "/");
  if (!principal.role) redirect(`/login?next=${encodeURIComponent(next)}`);
  if (!accessSatisfied(principal.role, access)) redirect(`/login?reason=forbidden&need=${typeof access === "string" ? access : access.join(",")}&next=${encodeURIComponent(next)}`);
  return principal;
}
