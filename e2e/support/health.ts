import type { APIRequestContext } from "@playwright/test";

/** The shape /api/health answers with (kept loose here: the API test checks it field by field). */
export interface HealthBody {
  status: string;
  database: "up" | "down";
  mode: "demo" | "live";
  version: string;
  poller: { lastTickAt: string | null; ageSeconds: number | null };
  time: string;
}

export async function readHealth(request: APIRequestContext): Promise<HealthBody> {
  const res = await request.get("/api/health");
  return (await res.json()) as HealthBody;
}
