import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { requireUser } from "@/lib/auth/require-user";
import { listAudit } from "@/lib/data/audit";
import { createCtx } from "@/lib/ctx";
import { AuditQuerySchema } from "@/lib/api/specs/auth";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { defineUrlState, type SearchParamsRecord } from "@/components/url-state";

export const metadata: Metadata = { title: "Audit log" };

const auditUrlState = defineUrlState(
  z.object({
    before: AuditQuerySchema.shape.before.catch(undefined),
    action: AuditQuerySchema.shape.action.catch(undefined),
  }),
);

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParamsRecord> }) {
  const principal = await requireUser("admin", { path: "/admin/audit" });
  const q = auditUrlState.parse(await searchParams);
  const page = await listAudit({ limit: 50, before: q.before, action: q.action }, createCtx({ principal }));

  return (
    <div className="flex flex-col gap-4">
      <form className="flex items-end gap-2" action="/admin/audit">
        <label className="flex flex-col gap-1 text-xs font-medium text-muted">
          Action starts with
          <input name="action" defaultValue={q.action ?? ""} placeholder="sweep." className="h-8 rounded-md border border-line-strong bg-surface px-2.5 text-sm text-fg" />
        </label>
        <button type="submit" className="h-8 rounded-md border border-line-strong bg-surface px-3 text-sm text-fg hover:bg-subtle">
          Filter
        </button>
      </form>
      <Card>
        {page.entries.length === 0 ? (
          <p className="px-4 py-6 text-sm text-muted">No audit entries{q.action ? ` for actions starting with "${q.action}"` : ""}.</p>
        ) : (
          <DataTable columns={["When (UTC)", "Who", "Action", "Target", "Detail"]}>
            {page.entries.map((e) => (
              <tr key={e.id} className="border-t border-line align-top">
                <td className="whitespace-nowrap px-4 py-2 text-muted">{e.at.replace("T", " ").slice(0, 19)}</td>
                <td className="px-4 py-2">
                  {e.actorName ?? "—"} <span className="text-xs text-muted">({e.actorKind})</span>
                </td>
                <td className="px-4 py-2 font-mono text-xs">{e.action}</td>
                <td className="px-4 py-2 font-mono text-xs">{e.targetType ? `${e.targetType}:${e.targetId ?? ""}` : "—"}</td>
                <td className="max-w-md px-4 py-2">
                  {e.detail ? <code className="block whitespace-pre-wrap break-all font-mono text-xs text-muted">{JSON.stringify(e.detail)}</code> : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
      <div className="flex gap-3 text-sm">
        {q.before ? (
          <Link className="text-accent hover:underline" href={`/admin/audit${auditUrlState.search({ action: q.action })}`}>
            Newest
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link className="text-accent hover:underline" href={`/admin/audit${auditUrlState.search({ before: page.nextCursor, action: q.action })}`}>
            Older entries →
          </Link>
        ) : null}
      </div>
    </div>
  );
}
