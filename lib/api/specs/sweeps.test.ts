import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/http/openapi";
import * as sweeps from "./sweeps";
import { ListTrialsQuerySchema } from "./sweeps";
import type { RouteSpec } from "@/lib/http/spec";

const specs = Object.values(sweeps as Record<string, unknown>).filter((v): v is RouteSpec => typeof v === "object" && v !== null && "method" in v && "path" in v && "access" in v);

describe("sweeps route specs", () => {
  it("describe every sweeps route in the OpenAPI document", () => {
    const doc = buildOpenApiDocument(specs, { version: "test" }) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/sweeps",
      "/api/sweeps/{id}",
      "/api/sweeps/{id}/analysis",
      "/api/sweeps/{id}/cancel",
      "/api/sweeps/{id}/export",
      "/api/sweeps/{id}/notes",
      "/api/sweeps/{id}/pause",
      "/api/sweeps/{id}/resume",
      "/api/sweeps/{id}/stop",
      "/api/sweeps/{id}/trials",
    ]);
    expect(Object.keys(doc.paths["/api/sweeps"]).sort()).toEqual(["get", "post"]);
  });

  it("parses trial filters from the URL: repeated or comma-separated status, numbers from strings", () => {
    expect(ListTrialsQuerySchema.parse({ status: ["completed", "failed,running"], valueMax: "3.5", limit: "20" })).toMatchObject({
      status: ["completed", "failed", "running"],
      valueMax: 3.5,
      limit: 20,
      sort: "number",
    });
    expect(ListTrialsQuerySchema.safeParse({ status: "done" }).success).toBe(false);
    expect(ListTrialsQuerySchema.safeParse({ limit: "501" }).success).toBe(false);
  });
});
