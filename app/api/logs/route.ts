import { apiRoute } from "@/lib/http/handler";
import { searchLogsRoute } from "@/lib/api/specs/logs";
import { searchLogs } from "@/lib/logs/repository";
import { logFilterFromQuery } from "@/lib/logs/filter";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(searchLogsRoute, ({ query, ctx }) =>
  searchLogs({ ...logFilterFromQuery(query), cursor: query.cursor, afterId: query.afterId, limit: query.limit }, ctx),
);
