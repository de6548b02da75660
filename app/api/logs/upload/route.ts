import { apiRoute } from "@/lib/http/handler";
import { uploadLogRoute } from "@/lib/api/specs/logs";
import { handleLogUpload } from "@/lib/ingest/handle";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const POST = apiRoute(uploadLogRoute, ({ req, query, ctx }) => handleLogUpload({ req, ...query }, ctx));
