import { apiRoute } from "@/lib/http/handler";
import { getGpuPricesRoute, putGpuPricesRoute } from "@/lib/api/specs/damage";
import { getGpuPrices, setGpuPrices } from "@/lib/damage/costs";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getGpuPricesRoute, async ({ ctx }) => getGpuPrices({}, ctx));

export const PUT = apiRoute(putGpuPricesRoute, async ({ body, ctx }) => setGpuPrices({ table: body }, ctx));
