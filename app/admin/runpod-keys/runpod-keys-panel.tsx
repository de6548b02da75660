"use client";

import type { FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CardBody, CardSection } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { RunpodKeyDtoSchema, type RunpodKeyStatusDto } from "@/lib/api/specs/auth";
import { sendJson } from "@/lib/queries/send-json";
import { ErrorText, Field, formatTime, RevokeCell, TextInput, useAction } from "../_components/form";

const SOURCE_TEXT = {
  env: "The poller uses RUNPOD_API_KEY from the environment; it takes precedence over stored keys.",
  stored: "The poller uses the active stored key below.",
  none: "No RunPod API key is configured: sweepwatch runs against the simulator (demo mode) until you add one.",
} as const;

export function RunpodKeysPanel({ status }: { status: RunpodKeyStatusDto }) {
  const { run, submit, error, pending } = useAction();

  const add = (e: FormEvent<HTMLFormElement>) =>
    submit(e, (f) => sendJson("POST", "/api/admin/runpod-keys", { label: String(f.get("label") ?? ""), apiKey: String(f.get("apiKey") ?? "") }, RunpodKeyDtoSchema));

  return (
    <div className="flex flex-col gap-6">
      <CardSection id="key-source" title="RunPod API key" description="Keys never reach the browser: you see them masked. Stored keys are encrypted with AES-256-GCM.">
        <CardBody className="flex flex-col gap-3 text-sm">
          <p>
            {SOURCE_TEXT[status.source]}
            {status.envMasked ? (
              <>
                {" "}
                Environment key: <code className="font-mono">{status.envMasked}</code>
              </>
            ) : null}
          </p>
          {status.canStore ? (
            <form onSubmit={(e) => void add(e)} className="flex flex-wrap items-end gap-3">
              <Field label="Label">
                <TextInput name="label" required maxLength={255} placeholder="team account" />
              </Field>
              <Field label="API key">
                <TextInput name="apiKey" type="password" required minLength={16} maxLength={512} autoComplete="off" className="w-80" />
              </Field>
              <Button type="submit" variant="primary" disabled={pending}>
                Store key
              </Button>
            </form>
          ) : (
            <p className="text-muted">{status.canStoreReason}</p>
          )}
          <ErrorText error={error} />
        </CardBody>
      </CardSection>

      <CardSection id="stored-keys" title="Stored keys" description="Adding a key makes it the active one. Revoking erases its ciphertext.">
        {status.keys.length === 0 ? (
          <p className="px-4 py-6 text-sm text-muted">No stored keys.</p>
        ) : (
          <DataTable columns={["Label", "Key", "Added", "State", ""]}>
            {status.keys.map((k) => (
              <tr key={k.id} className="border-t border-line">
                <td className="px-4 py-2 text-fg">{k.label}</td>
                <td className="px-4 py-2 font-mono text-xs">{k.masked}</td>
                <td className="px-4 py-2 text-muted">
                  {formatTime(k.createdAt)}
                  {k.createdBy ? ` by ${k.createdBy}` : ""}
                </td>
                <td className="px-4 py-2">{k.revokedAt ? <Badge>revoked</Badge> : k.active ? <Badge tone="success">active</Badge> : <Badge>inactive</Badge>}</td>
                <RevokeCell
                  revoked={!!k.revokedAt}
                  confirm={`Revoke the key "${k.label}"?`}
                  disabled={pending}
                  onRevoke={() => run(() => sendJson("DELETE", `/api/admin/runpod-keys/${encodeURIComponent(k.id)}`, undefined, RunpodKeyDtoSchema))}
                />
              </tr>
            ))}
          </DataTable>
        )}
      </CardSection>
    </div>
  );
}
