import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { ROLE_DESCRIPTIONS, ROLES } from "@/lib/domain/roles";
import { listUsers } from "@/lib/auth/repository";
import { createCtx } from "@/lib/ctx";
import { UsersPanel } from "./users-panel";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const me = await requireUser("admin", { path: "/admin/users" });
  const users = await listUsers({}, createCtx({ principal: me }));
  return <UsersPanel users={users} roles={ROLES.map((r) => ({ role: r, description: ROLE_DESCRIPTIONS[r] }))} meId={me.kind === "user" ? me.id : null} />;
}
