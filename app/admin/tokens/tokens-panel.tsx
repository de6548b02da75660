"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { CardSection } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { ApiTokenDtoSchema, CreatedApiTokenDtoSchema, type ApiTokenDto } from "@/lib/api/specs/auth";
import { sendJson } from "@/lib/queries/send-json";
import { CreateFormCard, Field, formatTime, OneTimeSecret, RevokeCell, Select, TextInput, useAction } from "../_components/form";

export function TokensPanel({ tokens, grantable, showsAll }: { tokens: ApiTokenDto[]; grantable: string[]; showsAll: boolean }) {
  const action = useAction();
  const { run, submit, pending } = action;
  const [secret, setSecret] = useState<string | null>(null);

  const create = (e: FormEvent<HTMLFormElement>) =>
    submit(e, (f) => {
      const days = String(f.get("expires") ?? "");
      return sendJson("POST", "/api/tokens", { name: String(f.get("name") ?? ""), role: String(f.get("role")), ...(days ? { expiresInDays: Number(days) } : {}) }, CreatedApiTokenDtoSchema);
    }).then((out) => out && setSecret(out.secret));

  return (
    <div className="flex flex-col gap-6">
      <CreateFormCard id="new-token" title="New API token" description="For scripts and CI: send it as Authorization: Bearer <token>. Its role cannot be higher than yours."
        submitLabel="Create token" onSubmit={create} action={action}
        before={secret ? <OneTimeSecret secret={secret} what="API token" onDone={() => setSecret(null)} /> : null}
      >
        <Field label="Name">
          <TextInput name="name" required maxLength={255} placeholder="ci-sweeps" />
        </Field>
        <Field label="Role">
          <Select name="role" defaultValue={grantable[0]}>
            {grantable.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Expires after (days, optional)">
          <TextInput name="expires" type="number" min={1} max={3650} className="w-28" />
        </Field>
      </CreateFormCard>

      <CardSection id="token-list" title={showsAll ? "All API tokens" : "Your API tokens"}>
        {tokens.length === 0 ? (
          <EmptyState size="sm" title="No API tokens yet" headingLevel={3}>
            Create one above, or on the server: <code className="font-mono">npx sweepwatch token create --role viewer --name ci</code>
          </EmptyState>
        ) : (
          <DataTable columns={["Name", "Token", "Role", "Created", "Last used", "State", ""]}>
            {tokens.map((t) => (
              <tr key={t.id} className="border-t border-line">
                <td className="px-4 py-2 text-fg">{t.name}</td>
                <td className="px-4 py-2 font-mono text-xs text-muted">{t.prefix}…</td>
                <td className="px-4 py-2">{t.role}</td>
                <td className="px-4 py-2 text-muted">
                  {formatTime(t.createdAt)}
                  {t.createdBy ? ` by ${t.createdBy}` : ""}
                </td>
                <td className="px-4 py-2 text-muted">{formatTime(t.lastUsedAt)}</td>
                <td className="px-4 py-2">
                  {t.revokedAt ? <Badge tone="neutral">revoked</Badge> : t.expiresAt && new Date(t.expiresAt) < new Date() ? <Badge tone="warning">expired</Badge> : <Badge tone="success">active</Badge>}
                </td>
                <RevokeCell
                  revoked={!!t.revokedAt}
                  confirm={`Revoke token "${t.name}"? Scripts using it will get 401.`}
                  disabled={pending}
                  onRevoke={() => run(() => sendJson("DELETE", `/api/tokens/${encodeURIComponent(t.id)}`, undefined, ApiTokenDtoSchema))}
                />
              </tr>
            ))}
          </DataTable>
        )}
      </CardSection>
    </div>
  );
}
