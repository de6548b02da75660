import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { roleSatisfies, ROLES } from "@/lib/domain/roles";
import { listApiTokensFor } from "@/lib/auth/service";
import { createCtx } from "@/lib/ctx";
import { TokensPanel } from "./tokens-panel";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const me = await requireUser("viewer", { path: "/admin/tokens" });
  const { tokens, showsAll } = await listApiTokensFor({}, createCtx({ principal: me }));
  return <TokensPanel tokens={tokens} grantable={ROLES.filter((r) => roleSatisfies(me.role, r))} showsAll={showsAll} />;
}
