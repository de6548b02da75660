import { apiRoute } from "@/lib/http/handler";
import { AppError } from "@/lib/http/errors";
import { getJobRoute } from "@/lib/api/specs/jobs";
import { getJob } from "@/lib/jobs/repository";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getJobRoute, async ({ params, ctx }) => {
  const job = await getJob({ id: params.id }, ctx);
  if (!job) throw new AppError("not_found", `Job "${params.id}" is not tracked by sweepwatch.`);
  return { job };
});
