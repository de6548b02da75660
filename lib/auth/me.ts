import { loadEnv } from "@/lib/env";
import type { MeDto } from "@/lib/api/specs/auth";
import type { Principal } from "./principal";

export function toMeDto(p: Principal): MeDto {
  const signedIn = (p.kind === "user" || p.kind === "token") && p.role && p.via;
  return {
    principal: signedIn ? { kind: p.kind as "user" | "token", id: p.id, name: p.name, role: p.role!, via: p.via! } : null,
    mode: loadEnv().mode,
  };
}
