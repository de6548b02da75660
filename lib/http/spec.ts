import type { z } from "zod";

/**
 * Who may call a route (`Access`): a role (and every role that includes it, see lib/domain/roles.ts), a
 * list of roles (any of them, e.g. ["engineer", "oncall"] = every role but viewer), "public", or
 * "secret" (the route checks its own secret/token).
 */
export type { Access, Role } from "@/lib/domain/roles";
import type { Access } from "@/lib/domain/roles";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * One route's contract: used by the handler wrapper to parse input and output
 * and by /api/openapi.json to describe the API. Specs live in lib/api/specs/.
 */
export interface RouteSpec<
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. /api/jobs/{id} */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  query?: Q;
  body?: B;
  /** Schema of a successful JSON response; omit for non-JSON responses (streams, files). */
  response?: R;
  successStatus?: number;
  /** Maximum request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** The handler's time limit in ms (default 30 s); beyond it the caller gets a clear 503. */
  timeoutMs?: number;
  /** Extra documented error statuses beyond the defaults. */
  errors?: number[];
  /** Content type of a non-JSON response, for the docs. */
  produces?: string;
}

export function defineRoute<Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  spec: RouteSpec<Q, B, R>,
): RouteSpec<Q, B, R> {
  return spec;
}
