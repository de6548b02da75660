import { apiRoute } from "@/lib/http/handler";
import { getGpuPricesRoute, putGpuPricesRoute } from "@/lib/api/specs/damage";
import { getGpuPrices, setGpuPrices } from "@/lib/damage/costs";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getGpuPricesRoute, async () => getGpuPrices());

export const PUT = apiRoute(putGpuPricesRoute, async ({ body, principal }) => setGpuPrices({ table: body, actor: principal }));
