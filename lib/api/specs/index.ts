import type { RouteSpec } from "@/lib/http/spec";
import * as system from "./system";

/** Every route's spec, for /api/openapi.json and the access-rule tests. Add new spec modules here. */
export const allRouteSpecs: RouteSpec[] = [...Object.values(system)].filter(isSpec);

function isSpec(v: unknown): v is RouteSpec {
  return typeof v === "object" && v !== null && "method" in v && "path" in v && "access" in v;
}
