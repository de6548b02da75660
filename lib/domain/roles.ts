/**
 * Roles: the one home of their names, what each includes and what each is for (issue 15). The
 * database enum (prisma/schema.prisma UserRole), the route contracts (lib/http/spec.ts Access,
 * lib/api/specs/auth.ts RoleSchema) and the UI take them from here.
 */

/** Every role, lowest first (engineer and oncall are siblings: neither includes the other). */
export const ROLES = ["viewer", "engineer", "oncall", "admin"] as const;
export type Role = (typeof ROLES)[number];
/** Who may call a route: a role (or any of a list), "public", or "secret" (the route checks its own token). */
export type Access = Role | readonly Role[] | "public" | "secret";

/** Roles each role includes. admin includes everything; engineer and oncall each include viewer only. */
const INCLUDES: Record<Role, readonly Role[]> = {
  viewer: ["viewer"],
  engineer: ["engineer", "viewer"],
  oncall: ["oncall", "viewer"],
  admin: ["admin", "engineer", "oncall", "viewer"],
};

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}

/** True when a principal with `role` may use something that requires `required`. */
export function roleSatisfies(role: Role | null | undefined, required: Role): boolean {
  if (!role) return false;
  return INCLUDES[role].includes(required);
}

/** True when `role` satisfies a route rule that names a role or a list of roles (any of them). */
export function accessSatisfied(role: Role | null | undefined, access: Role | readonly Role[]): boolean {
  return typeof access === "string" ? roleSatisfies(role, access) : access.some((r) => roleSatisfies(role, r));
}

/** The roles a route's access value admits (empty for "public"/"secret", which need no role). */
export function rolesAllowed(access: Access): Role[] {
  if (access === "public" || access === "secret") return [];
  return ROLES.filter((r) => accessSatisfied(r, access));
}

/** "engineer", or "one of engineer, oncall": for messages. */
export function describeAccess(access: Role | readonly Role[]): string {
  return typeof access === "string" ? `the ${access} role` : `one of the roles ${access.join(", ")}`;
}

/** What each role is for; the same table is in docs/security.md. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: "Reads everything except secrets: endpoints, jobs, logs, incidents, sweeps, criteria.",
  engineer: "Viewer + creates and controls sweeps (create, pause, resume, stop, cancel), submits jobs.",
  oncall: "Viewer + acknowledges and resolves incidents, uploads logs, writes notes.",
  admin: "Everything: endpoints, RunPod keys, ingest tokens, webhooks, users, API tokens of others, audit log.",
};
