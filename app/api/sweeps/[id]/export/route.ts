import { apiRoute } from "@/lib/http/handler";
import { exportTrialsRoute } from "@/lib/api/specs/sweeps";
import { exportTrials } from "@/lib/sweeps/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(exportTrialsRoute, async ({ params, query }) => {
  const file = await exportTrials(params.id, query);
  return new Response(file.body, {
    headers: { "content-type": file.contentType, "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "no-store" },
  });
});
