import type { Access } from "@/lib/http/spec";

export interface Principal {
  kind: "user" | "token" | "anonymous";
  id: string | null;
  name: string;
  role: "viewer" | "engineer" | "oncall" | "admin" | null;
}

export const ANONYMOUS: Principal = { kind: "anonymous", id: null, name: "anonymous", role: null };

/**
 * Resolves who is calling and checks the route's access rule. Throws AppError
 * (401/403) when refused. Accounts and roles are built by the auth issue; until
 * then every caller is treated as an anonymous principal with full access.
 */
export async function authorize(_req: Request, _access: Access): Promise<Principal> {
  return ANONYMOUS;
}
