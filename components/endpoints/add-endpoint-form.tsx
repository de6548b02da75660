"use client";

import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { CardBody, CardSection } from "@/components/ui/card";
import { AddEndpointBodySchema, EndpointDetailDtoSchema } from "@/lib/api/specs/endpoints";
import { endpointKeys } from "@/lib/endpoints/client/queries";
import { sendJson } from "@/lib/queries/send-json";

/** Admins add an endpoint by id (e.g. one the API key cannot list); the poller picks it up on its next round. */
export function AddEndpointForm() {
  const qc = useQueryClient();
  const [id, setId] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [fieldError, setFieldError] = useState<string | null>(null);
  const m = useMutation({
    mutationFn: (body: z.input<typeof AddEndpointBodySchema>) => sendJson("POST", "/api/endpoints", body, z.object({ endpoint: EndpointDetailDtoSchema })),
    onSuccess: () => {
      setId("");
      setDisplayName("");
      void qc.invalidateQueries({ queryKey: endpointKeys.list() });
    },
  });
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    const parsed = AddEndpointBodySchema.safeParse({ id, displayName: displayName || null });
    if (!parsed.success) {
      setFieldError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      return;
    }
    setFieldError(null);
    m.mutate(parsed.data);
  };
  return (
    <CardSection id="add-endpoint-heading" title="Add an endpoint by hand" description="RunPod endpoint id and a display name (admins). Existing endpoints only get the new name." headingLevel={3}>
      <CardBody>
        <form onSubmit={submit} className="flex flex-wrap items-end gap-3" noValidate>
          <label className="flex flex-col gap-1 text-xs font-medium text-muted">
            Endpoint id
            <input
              value={id}
              onChange={(e) => setId(e.target.value)}
              required
              maxLength={128}
              className="h-8 w-56 rounded-md border border-line-strong bg-surface px-2 font-mono text-sm text-fg"
              aria-invalid={fieldError ? true : undefined}
            />
          </label>
          <label className="flex flex-col gap-1 text-xs font-medium text-muted">
            Display name
            <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={255} className="h-8 w-64 rounded-md border border-line-strong bg-surface px-2 text-sm text-fg" />
          </label>
          <Button type="submit" variant="primary" disabled={m.isPending}>
            {m.isPending ? "Adding…" : "Add endpoint"}
          </Button>
        </form>
        {fieldError || m.isError ? (
          <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
            {fieldError ?? (m.error instanceof Error ? m.error.message : "Could not add the endpoint.")}
          </p>
        ) : m.isSuccess ? (
          <p role="status" className="mt-2 text-sm text-emerald-700 dark:text-emerald-300">
            Added {m.data.endpoint.id}.
          </p>
        ) : null}
      </CardBody>
    </CardSection>
  );
}
