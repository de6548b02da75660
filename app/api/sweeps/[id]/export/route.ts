import { apiRoute } from "@/lib/http/handler";
import { exportTrialsRoute } from "@/lib/api/specs/sweeps";
import { exportTrials } from "@/lib/sweeps/repository";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(exportTrialsRoute, async ({ params, query, ctx }) => {
  const file = await exportTrials({ sweepId: params.id, ...query }, ctx);
  return new Response(file.body, {
    headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "no-store" },
  });
});
