import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/http/handler";
import { logoutRoute } from "@/lib/api/specs/auth";
import { logout } from "@/lib/auth/login";
import { clearSessionCookies } from "@/lib/auth/session";
import { SESSION_COOKIE, isHttps, readCookie } from "@/lib/auth/request";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(logoutRoute, async ({ req, ctx }) => {
  await logout({ token: readCookie(req, SESSION_COOKIE) }, ctx);
  const res = NextResponse.json({ ok: true as const }, { headers: { "cache-control": "no-store" } });
  for (const c of clearSessionCookies(isHttps(req))) res.headers.append("set-cookie", c);
  return res;
});
