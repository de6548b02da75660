import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/http/handler";
import { loginRoute, MeDtoSchema } from "@/lib/api/specs/auth";
import { login } from "@/lib/auth/login";
import { sessionCookies } from "@/lib/auth/session";
import { clientIp, isHttps } from "@/lib/auth/request";
import { loadEnv } from "@/lib/env";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(loginRoute, async ({ req, body, ctx }) => {
  const { principal, session } = await login({ ...body, ip: clientIp(req), userAgent: req.headers.get("user-agent") }, ctx);
  const res = NextResponse.json(
    MeDtoSchema.parse({ principal: { kind: "user", id: principal.id, name: principal.name, role: principal.role, via: "session" }, mode: loadEnv().mode }),
    { headers: { "cache-control": "no-store" } },
  );
  for (const c of sessionCookies(session, isHttps(req))) res.headers.append("set-cookie", c);
  return res;
});
