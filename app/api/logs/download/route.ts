import { apiRoute } from "@/lib/http/handler";
import { downloadLogsRoute } from "@/lib/api/specs/logs";
import { streamLogText } from "@/lib/logs/repository";
import { logFilterFromQuery, logDownloadFilename } from "@/lib/logs/filter";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(downloadLogsRoute, async ({ query, ctx }) => {
  const filter = logFilterFromQuery(query);
  return new Response(streamLogText({ filter }, ctx), {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `attachment; filename="${logDownloadFilename(filter, ctx.now())}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
