import { NextResponse, type NextRequest } from "next/server";
import { randomBytes } from "node:crypto";
import { resolvePrincipal } from "@/lib/auth/authorize";
import { createCtx } from "@/lib/ctx";
import { CSRF_COOKIE, SESSION_COOKIE, isHttps, safeNextPath, serializeCookie } from "@/lib/auth/request";

/**
 * Runs before every page (not /api: route handlers check access themselves through
 * apiRoute → authorize). Pages need a signed-in principal — a session, or demo mode on
 * localhost — else they redirect to /login. Admin pages check the role in their layout
 * (requireUser("admin")). Also gives browsers without a session a CSRF cookie, used by
 * demo-mode writes (double submit).
 */
export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const headers = new Headers(req.headers);
  headers.set("x-sweepwatch-path", safeNextPath(pathname + search));

  const isLogin = pathname === "/login" || pathname.startsWith("/login/");
  if (!isLogin) {
    let signedIn = false;
    try {
      signedIn = (await resolvePrincipal({ req }, createCtx())).principal.role !== null;
    } catch {
      signedIn = false; // a bad bearer header on a page: treat as signed out
    }
    if (!signedIn) {
      const url = req.nextUrl.clone();
      url.pathname = "/login";
      url.search = `?next=${encodeURIComponent(safeNextPath(pathname + search))}`;
      return NextResponse.redirect(url);
    }
  }

  const res = NextResponse.next({ request: { headers } });
  if (!req.cookies.has(CSRF_COOKIE) && !req.cookies.has(SESSION_COOKIE)) {
    res.headers.append("set-cookie", serializeCookie(CSRF_COOKIE, randomBytes(24).toString("base64url"), { httpOnly: false, secure: isHttps(req) }));
  }
  return res;
}

export const config = {
  // Pages only: not the JSON API, Next's assets, or files with an extension (favicon, images).
  matcher: ["/((?!api/|_next/|.*\\.[a-zA-Z0-9]+$).*)"],
};
