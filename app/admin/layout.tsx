import type { ReactNode } from "react";
import Link from "next/link";
import { requireUser } from "@/lib/auth/require-user";
import { roleSatisfies } from "@/lib/domain/roles";
import { PageHeader } from "@/components/ui/page-header";
import { SignOutButton } from "@/components/auth/user-menu";

const TABS = [
  { href: "/admin/tokens", label: "API tokens", need: "viewer" },
  { href: "/admin/users", label: "Users", need: "admin" },
  { href: "/admin/runpod-keys", label: "RunPod keys", need: "admin" },
  { href: "/admin/ingest-tokens", label: "Ingest tokens", need: "admin" },
  { href: "/admin/settings", label: "Settings", need: "admin" },
  { href: "/admin/audit", label: "Audit log", need: "admin" },
] as const;

/** Settings and administration. Every page here checks its own role too (a layout does not re-run on client navigation). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const me = await requireUser("viewer");
  return (
    <div>
      <PageHeader title="Administration" description={`Signed in as ${me.name} (${me.role}).`} actions={me.via === "session" ? <SignOutButton /> : undefined} />
      <nav aria-label="Administration" className="mb-6 flex flex-wrap gap-1 border-b border-line">
        {TABS.filter((t) => roleSatisfies(me.role, t.need)).map((t) => (
          <Link key={t.href} href={t.href} className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm text-muted hover:border-line-strong hover:text-fg">
            {t.label}
          </Link>
        ))}
      </nav>
      {children}
    </div>
  );
}
