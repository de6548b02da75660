"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { CardSection } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { CreatedIngestTokenDtoSchema, IngestTokenDtoSchema, type IngestTokenDto } from "@/lib/api/specs/auth";
import { sendJson } from "@/lib/queries/send-json";
import { CreateFormCard, Field, formatTime, OneTimeSecret, RevokeCell, TextInput, useAction } from "../_components/form";

export function IngestTokensPanel({ tokens }: { tokens: IngestTokenDto[] }) {
  const action = useAction();
  const { run, submit, pending } = action;
  const [secret, setSecret] = useState<string | null>(null);

  const create = (e: FormEvent<HTMLFormElement>) =>
    submit(e, (f) =>
      sendJson("POST", "/api/admin/ingest-tokens", { endpointId: String(f.get("endpointId") ?? "").trim(), name: String(f.get("name") ?? "") || undefined }, CreatedIngestTokenDtoSchema),
    ).then((out) => out && setSecret(out.secret));

  return (
    <div className="flex flex-col gap-6">
      <CreateFormCard id="new-ingest" title="New ingest token" description="Workers send their logs to POST /api/ingest/logs with this token. One endpoint per token; only its hash is stored."
        submitLabel="Create token" onSubmit={create} action={action}
        before={secret ? <OneTimeSecret secret={secret} what="ingest token" onDone={() => setSecret(null)} /> : null}
      >
        <Field label="Endpoint id">
          <TextInput name="endpointId" required maxLength={128} />
        </Field>
        <Field label="Name (optional)">
          <TextInput name="name" maxLength={255} />
        </Field>
      </CreateFormCard>
      <CardSection id="ingest-list" title="Ingest tokens">
        {tokens.length === 0 ? (
          <p className="px-4 py-6 text-sm text-muted">No ingest tokens yet.</p>
        ) : (
          <DataTable columns={["Endpoint", "Name", "Token", "Last used", "State", ""]}>
            {tokens.map((t) => (
              <tr key={t.id} className="border-t border-line">
                <td className="px-4 py-2 font-mono text-xs">{t.endpointId}</td>
                <td className="px-4 py-2">{t.name ?? "—"}</td>
                <td className="px-4 py-2 font-mono text-xs text-muted">{t.prefix}…</td>
                <td className="px-4 py-2 text-muted">{formatTime(t.lastUsedAt)}</td>
                <td className="px-4 py-2">{t.revokedAt ? <Badge>revoked</Badge> : <Badge tone="success">active</Badge>}</td>
                <RevokeCell
                  revoked={!!t.revokedAt}
                  confirm="Revoke this ingest token? Workers using it get 401."
                  disabled={pending}
                  onRevoke={() => run(() => sendJson("DELETE", `/api/admin/ingest-tokens/${encodeURIComponent(t.id)}`, undefined, IngestTokenDtoSchema))}
                />
              </tr>
            ))}
          </DataTable>
        )}
      </CardSection>
    </div>
  );
}
