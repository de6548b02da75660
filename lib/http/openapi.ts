import { z } from "zod";
import type { RouteSpec } from "./spec";

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: ["bad_request", "validation_failed", "unauthorized", "forbidden", "not_found", "conflict", "payload_too_large", "rate_limited", "unavailable", "internal"] },
        message: { type: "string" },
        issues: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
      },
    },
  },
};

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  try {
    const s = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
    delete s.$schema;
    return s;
  } catch {
    return {};
  }
}

const ACCESS_TEXT: Record<string, string> = {
  public: "No credentials needed.",
  secret: "Authenticated by the secret or token in the request (see description).",
  viewer: "Requires role viewer or above.",
  engineer: "Requires role engineer or admin.",
  oncall: "Requires role on-call or admin.",
  admin: "Requires role admin.",
};

export function buildOpenApiDocument(specs: RouteSpec[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const op: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      description: typeof spec.access === "string" ? ACCESS_TEXT[spec.access] : `Requires one of the roles ${spec.access.join(", ")} (admin always qualifies).`,
      "x-access": spec.access,
      responses: {} as Record<string, unknown>,
    };
    const pathParams = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const queryParams: unknown[] = [];
    if (spec.query) {
      const qs = jsonSchema(spec.query, "input") as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(qs.properties ?? {})) {
        queryParams.push({ name, in: "query", required: qs.required?.includes(name) ?? false, schema });
      }
    }
    if (pathParams.length || queryParams.length) op.parameters = [...pathParams, ...queryParams];
    if (spec.body) {
      op.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } };
    }
    const responses = op.responses as Record<string, unknown>;
    const ok = String(spec.successStatus ?? 200);
    if (spec.response) responses[ok] = { description: "Success", content: { "application/json": { schema: jsonSchema(spec.response, "output") } } };
    else responses[ok] = { description: "Success", content: { [spec.produces ?? "application/octet-stream"]: {} } };
    const errs = new Set<number>([...(spec.errors ?? []), 500]);
    if (spec.query || spec.body) errs.add(422);
    if (spec.body) errs.add(400);
    if (spec.access !== "public") errs.add(401);
    if (typeof spec.access !== "string" || (spec.access !== "public" && spec.access !== "secret" && spec.access !== "viewer")) errs.add(403);
    for (const code of [...errs].sort()) {
      responses[String(code)] = { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    }
    paths[spec.path] ??= {};
    paths[spec.path][spec.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: { title: "sweepwatch API", version: info.version, description: "JSON API of sweepwatch. Every error has the shape in components.schemas.Error." },
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API token (npx sweepwatch token create)" },
        session: { type: "apiKey", in: "cookie", name: "sw_session" },
      },
    },
  };
}
