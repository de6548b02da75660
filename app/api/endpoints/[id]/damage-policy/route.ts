import { apiRoute } from "@/lib/http/handler";
import { getDamagePolicyRoute, putDamagePolicyRoute } from "@/lib/api/specs/damage";
import { getDamagePolicy, setDamagePolicy } from "@/lib/damage/policy";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getDamagePolicyRoute, async ({ params }) => getDamagePolicy(params.id));

export const PUT = apiRoute(putDamagePolicyRoute, async ({ params, body, principal }) => setDamagePolicy({ endpointId: params.id, autoPauseSweeps: body.autoPauseSweeps, actor: principal }));
