import { apiRoute } from "@/lib/http/handler";
import { crashGroupDiffRoute } from "@/lib/api/specs/damage";
import { getCrashGroupDiff } from "@/lib/damage/what-changed";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(crashGroupDiffRoute, async ({ params, ctx }) => getCrashGroupDiff({ groupId: params.id }, ctx));
