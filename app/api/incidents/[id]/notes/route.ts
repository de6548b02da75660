import { apiRoute } from "@/lib/http/handler";
import { updateIncidentNotesRoute } from "@/lib/api/specs/incidents";
import { updateIncidentNotes } from "@/lib/incidents/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const PUT = apiRoute(updateIncidentNotesRoute, async ({ params, body, ctx }) => ({
  incident: await updateIncidentNotes({ id: params.id, notes: body.notes, notesVersion: body.notesVersion }, ctx),
}));
