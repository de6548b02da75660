import { apiRoute } from "@/lib/http/handler";
import { getDetectionSettingsRoute, updateDetectionSettingsRoute } from "@/lib/api/specs/incidents";
import { getDetectionSettings, updateDetectionSettings } from "@/lib/incidents/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = apiRoute(getDetectionSettingsRoute, async () => getDetectionSettings());

export const PUT = apiRoute(updateDetectionSettingsRoute, async ({ body, principal }) => updateDetectionSettings({ changes: body, actor: principal }));
