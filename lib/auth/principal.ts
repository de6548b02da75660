import type { Role } from "@/lib/http/spec";

/** Who is calling: a signed-in user, an API token, or nobody. system/cli act outside HTTP (poller, CLI). */
export interface Principal {
  kind: "user" | "token" | "anonymous" | "system" | "cli";
  id: string | null;
  name: string;
  role: Role | null;
  /** How the caller was authenticated; absent for system/cli. */
  via?: "session" | "bearer" | "demo";
  /** Set for session principals: the session's id. */
  sessionId?: string;
  /** The user behind a token, when the token was created by one. */
  userId?: string | null;
}

export const ANONYMOUS: Principal = { kind: "anonymous", id: null, name: "anonymous", role: null };

/** The poller and other background work, for recordAudit. */
export const SYSTEM_PRINCIPAL: Principal = { kind: "system", id: null, name: "system", role: "admin" };

/** The `sweepwatch` CLI run by someone with shell access to the server. */
export function cliPrincipal(): Principal {
  const who = process.env.SUDO_USER ?? process.env.USER ?? process.env.LOGNAME ?? "unknown";
  return { kind: "cli", id: null, name: `cli:${who}`.slice(0, 255), role: "admin" };
}
