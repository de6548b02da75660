import { apiRoute } from "@/lib/http/handler";
import { workerWrapperRoute } from "@/lib/api/specs/ingest";
import { readWrapperScript } from "@/lib/ingest/wrapper-script";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(workerWrapperRoute, async () =>
  new Response(await readWrapperScript(), {
    headers: {
      "content-type": "text/x-python; charset=utf-8",
      "content-disposition": 'inline; filename="sweepwatch-wrapper.py"',
      "cache-control": "public, max-age=300",
      "x-content-type-options": "nosniff",
    },
  }),
);
