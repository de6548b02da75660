import type { RouteSpec } from "@/lib/http/spec";
import * as system from "./system";
import * as auth from "./auth";
import * as sweeps from "./sweeps";
import * as endpoints from "./endpoints";
import * as jobs from "./jobs";
import * as logs from "./logs";
import * as ingest from "./ingest";
import * as incidents from "./incidents";
import * as crashes from "./crashes";
import * as criteria from "./criteria";
import * as damage from "./damage";

/** Every route's spec, for /api/openapi.json and the access-rule tests. Add new spec modules here. */
export const allRouteSpecs: RouteSpec[] = [...Object.values(system), ...Object.values(auth), ...Object.values(sweeps), ...Object.values(endpoints), ...Object.values(jobs), ...Object.values(logs), ...Object.values(ingest), ...Object.values(criteria), ...Object.values(incidents), ...Object.values(crashes), ...Object.values(damage)].filter(isSpec);

function isSpec(v: unknown): v is RouteSpec {
  return typeof v === "object" && v !== null && "method" in v && "path" in v && "access" in v;
}
