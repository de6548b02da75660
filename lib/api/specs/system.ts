import { z } from "zod";
import { defineRoute } from "@/lib/http/spec";

export const HealthDtoSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.enum(["up", "down"]),
  mode: z.enum(["demo", "live"]),
  version: z.string(),
  poller: z.object({
    lastTickAt: z.string().nullable(),
    ageSeconds: z.number().nullable(),
  }),
  time: z.string(),
});
export type HealthDto = z.infer<typeof HealthDtoSchema>;

export const healthRoute = defineRoute({
  method: "GET",
  path: "/api/health",
  summary: "Liveness and readiness: database reachability, mode, the poller's last tick. 503 when the database is down.",
  tag: "system",
  access: "public",
  response: HealthDtoSchema,
  errors: [503],
});

export const openApiRoute = defineRoute({
  method: "GET",
  path: "/api/openapi.json",
  summary: "This OpenAPI 3.1 document.",
  tag: "system",
  access: "public",
  produces: "application/json",
});
