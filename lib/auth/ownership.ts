import type { Principal } from "./principal";

/** The user account behind a principal: the user itself, or the creator of an API token. */
export function userIdOf(p: Principal): string | null {
  if (p.kind === "user") return p.id;
  if (p.kind === "token") return p.userId ?? null;
  return null;
}
