import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/http/handler";
import { logoutRoute } from "@/lib/api/specs/auth";
import { clearSessionCookies, destroySession } from "@/lib/auth/session";
import { SESSION_COOKIE, isHttps, readCookie } from "@/lib/auth/request";
import { recordAudit } from "@/lib/data/audit";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(logoutRoute, async ({ req, principal, ctx }) => {
  await destroySession({ token: readCookie(req, SESSION_COOKIE) }, ctx);
  if (principal.via === "session") await recordAudit({ action: "auth.logout", targetType: "user", targetId: principal.id }, ctx);
  const res = NextResponse.json({ ok: true as const }, { headers: { "cache-control": "no-store" } });
  for (const c of clearSessionCookies(isHttps(req))) res.headers.append("set-cookie", c);
  return res;
});
