import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/require-user";
import { roleSatisfies } from "@/lib/domain/roles";

export default async function AdminIndex() {
  const me = await requireUser("viewer");
  redirect(roleSatisfies(me.role, "admin") ? "/admin/users" : "/admin/tokens");
}
