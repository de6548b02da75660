import { apiRoute } from "@/lib/http/handler";
import { putNotesRoute } from "@/lib/api/specs/sweeps";
import { updateSweepNotes } from "@/lib/sweeps/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const PUT = apiRoute(putNotesRoute, async ({ params, body, ctx }) => updateSweepNotes({ id: params.id, ...body }, ctx));
