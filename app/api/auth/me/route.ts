import { apiRoute } from "@/lib/http/handler";
import { meRoute } from "@/lib/api/specs/auth";
import { toMeDto } from "@/lib/auth/me";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(meRoute, async ({ principal }) => toMeDto(principal));
