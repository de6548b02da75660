import { apiRoute } from "@/lib/http/handler";
import { auditRoute } from "@/lib/api/specs/auth";
import { listAudit } from "@/lib/data/audit";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(auditRoute, async ({ query, ctx }) =>
  listAudit({ limit: query.limit, before: query.before, action: query.action, actorName: query.actor, targetType: query.targetType, targetId: query.targetId }, ctx),
);
