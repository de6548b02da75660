import { apiRoute } from "@/lib/http/handler";
import { criteriaReportRoute } from "@/lib/api/specs/criteria";
import { renderCriteriaReport } from "@/lib/criteria/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(criteriaReportRoute, async ({ query, req, ctx }) => {
  const md = await renderCriteriaReport({ endpointId: query.endpointId, days: query.days, origin: new URL(req.url).origin }, ctx);
  const day = new Date().toISOString().slice(0, 10);
  return new Response(md, {
    headers: {
      "content-type": "text/markdown; charset=utf-8",
      "content-disposition": `inline; filename="sweepwatch-criteria-${day}.md"`,
      "cache-control": "no-store",
    },
  });
});
