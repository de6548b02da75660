"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { CheckCircleIcon } from "@/components/ui/icons";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { useNow } from "@/components/hooks/use-now";
import { INCIDENT_STATES } from "@/lib/api/specs/incidents";
import { endpointsListQueryOptions } from "@/lib/endpoints/client/queries";
import { incidentFiltersToSearch, incidentListQueryOptions, type IncidentFilters } from "@/lib/incidents/client/queries";
import { IncidentStateBadge, SignatureBadge } from "./incident-badges";
import { matchEndpoint } from "./endpoint-match";
import { timeAgo } from "@/lib/format/time";

const STATE_LABELS = { open: "Open", acknowledged: "Acknowledged", resolved: "Resolved" } as const;

/** The incidents table with its filters (state, endpoint) kept in the URL. */
export function IncidentList({ filters }: { filters: IncidentFilters }) {
  const router = useRouter();
  const pathname = usePathname();
  const now = useNow();
  const q = useQuery(incidentListQueryOptions(filters));
  const [endpoint, setEndpoint] = useState(filters.endpointId ?? "");
  const [endpointError, setEndpointError] = useState<string | null>(null);
  const endpoints = useQuery(endpointsListQueryOptions());
  const qc = useQueryClient();
  const choices = endpoints.data?.endpoints ?? [];
  const go = (f: IncidentFilters) => router.replace(`${pathname}${incidentFiltersToSearch(f)}`, { scroll: false });
  const toggle = (s: (typeof INCIDENT_STATES)[number]) => {
    const cur = new Set(filters.state ?? []);
    if (cur.has(s)) cur.delete(s);
    else cur.add(s);
    go({ ...filters, state: INCIDENT_STATES.filter((x) => cur.has(x)) });
  };
  const rows = q.data?.incidents ?? [];
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <div role="group" aria-label="Filter by state" className="inline-flex rounded-md border border-line-strong bg-surface p-0.5">
          {INCIDENT_STATES.map((s) => {
            const on = filters.state?.includes(s) ?? false;
            return (
              <button
                key={s}
                type="button"
                aria-pressed={on}
                onClick={() => toggle(s)}
                className={cx("rounded px-2 py-0.5 text-xs font-medium", on ? "bg-accent text-accent-fg" : "text-muted hover:bg-subtle hover:text-fg")}
              >
                {STATE_LABELS[s]}
              </button>
            );
          })}
        </div>
        <form
          className="flex flex-wrap items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            setEndpointError(null);
            const text = endpoint.trim();
            if (!text) return go({ ...filters, endpointId: undefined });
            // The list may still be loading on a fresh page: wait for it rather than guess.
            void (endpoints.data ? Promise.resolve(endpoints.data) : qc.fetchQuery(endpointsListQueryOptions()).catch(() => null)).then((list) => {
              // Without the endpoint list, the text is taken as an id (the API's own filter).
              if (!list) return go({ ...filters, endpointId: text });
              const m = matchEndpoint(text, list.endpoints);
              if (m.kind === "one") {
                setEndpoint(m.id);
                go({ ...filters, endpointId: m.id });
              } else
                setEndpointError(m.kind === "none" ? `No watched endpoint matches “${text}”.` : `“${text}” matches ${m.ids.length} endpoints (${m.ids.join(", ")}); type more of it.`);
            });
          }}
        >
          <label className="text-xs text-muted" htmlFor="incident-endpoint">
            Endpoint
          </label>
          <input
            id="incident-endpoint"
            value={endpoint}
            list="incident-endpoint-choices"
            onChange={(e) => {
              setEndpoint(e.target.value);
              setEndpointError(null);
            }}
            placeholder="name, id or the start of one"
            aria-invalid={endpointError ? true : undefined}
            aria-describedby="incident-endpoint-error"
            className="h-7 w-48 min-w-0 rounded-md border border-line-strong bg-surface px-2 text-xs"
          />
          <datalist id="incident-endpoint-choices">
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.displayName ?? c.name}
              </option>
            ))}
          </datalist>
          <Button size="sm" type="submit">
            Apply
          </Button>
        </form>
        <span id="incident-endpoint-error" role="status" className="text-xs text-red-700 dark:text-red-300">
          {endpointError}
        </span>
        {q.isError ? <span className="text-xs text-red-600">Could not refresh: {q.error.message}{q.data ? " (showing the last good data)" : ""}</span> : null}
      </div>
      <Card>
        {rows.length === 0 ? (
          <EmptyState icon={<CheckCircleIcon size={20} />} title={q.isPending ? "Loading incidents…" : "No incidents"}>
            {q.isPending ? null : (
              <p>
                {filters.state?.length || filters.endpointId
                  ? "No incident matches these filters."
                  : "Incidents open automatically when an endpoint crash-loops, for example when workers keep dying with random_device could not be read. Nothing needs your attention."}
              </p>
            )}
          </EmptyState>
        ) : (
          <DataTable
            divided
            columns={["Incident", "State", "Endpoint", { label: "Crashes", align: "right" }, { label: "Flagged jobs", align: "right" }, "Opened", "Last crash"]}
          >
            {rows.map((i) => (
              <tr key={i.id} className="hover:bg-subtle/60">
                <td className="px-4 py-2">
                  <Link href={`/incidents/${i.id}`} className="font-medium text-fg hover:underline">
                    #{i.id} {i.title}
                  </Link>
                  <div className="mt-0.5">
                    <SignatureBadge signature={i.signature} />
                  </div>
                </td>
                <td className="px-4 py-2">
                  <IncidentStateBadge state={i.state} regressionCount={i.regressionCount} />
                  {i.acknowledgedBy && i.state === "acknowledged" ? <div className="mt-0.5 text-xs text-muted">by {i.acknowledgedBy}</div> : null}
                </td>
                <td className="px-4 py-2">
                  <Link href={`/endpoints/${encodeURIComponent(i.endpointId)}`} className="hover:underline">
                    {i.endpointName}
                  </Link>
                  <div className="font-mono text-xs text-muted">{i.endpointId}</div>
                </td>
                <td className="px-4 py-2 text-right tabular-nums">{i.crashCount}</td>
                <td className="px-4 py-2 text-right tabular-nums">{i.flaggedJobs}</td>
                <td className="px-4 py-2 text-xs text-muted">{timeAgo(i.openedAt, now)}</td>
                <td className="px-4 py-2 text-xs text-muted">{timeAgo(i.lastCrashAt, now)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
    </div>
  );
}
