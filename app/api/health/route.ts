import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/http/handler";
import { healthRoute, HealthDtoSchema } from "@/lib/api/specs/system";
import { getSystemHealth } from "@/lib/data/system";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(healthRoute, async () => {
  const health = await getSystemHealth();
  // Load balancers read the status; people and the UI read the same JSON body.
  const status = health.database === "up" ? 200 : 503;
  return NextResponse.json(HealthDtoSchema.parse(health), { status, headers: { "cache-control": "no-store" } });
});
