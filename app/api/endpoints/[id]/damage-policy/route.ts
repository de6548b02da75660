import { apiRoute } from "@/lib/http/handler";
import { getDamagePolicyRoute, putDamagePolicyRoute } from "@/lib/api/specs/damage";
import { getDamagePolicy, setDamagePolicy } from "@/lib/damage/policy";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getDamagePolicyRoute, async ({ params, ctx }) => getDamagePolicy({ endpointId: params.id }, ctx));

export const PUT = apiRoute(putDamagePolicyRoute, async ({ params, body, ctx }) => setDamagePolicy({ endpointId: params.id, autoPauseSweeps: body.autoPauseSweeps }, ctx));
