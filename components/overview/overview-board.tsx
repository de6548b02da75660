"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardSection } from "@/components/ui/card";
import { Code } from "@/components/ui/code";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { AlertIcon, CheckCircleIcon, ServerIcon, SweepIcon } from "@/components/ui/icons";
import { PageSkeleton, Skeleton } from "@/components/ui/skeleton";
import { useNow } from "@/components/hooks/use-now";
import { StateBadge } from "@/components/criteria/state-badge";
import { formatUtcTime, timeAgo } from "@/lib/format/time";
import type { OverviewDto } from "@/lib/api/specs/criteria";
import { HORIZON_LABEL, STATE_ORDER } from "@/lib/charts/criteria";
import { overviewQueryOptions } from "@/lib/queries/overview";

type Health = OverviewDto["endpoints"][number]["health"];
const HEALTH: Record<Health, { tone: BadgeTone; label: string }> = {
  healthy: { tone: "success", label: "healthy" },
  crash_looping: { tone: "danger", label: "crash-looping" },
  degraded: { tone: "warning", label: "degraded" },
  no_workers: { tone: "warning", label: "no ready worker" },
  unknown: { tone: "neutral", label: "no data" },
  paused: { tone: "neutral", label: "paused" },
};

const link = "font-medium text-fg hover:text-accent hover:underline";

function Age({ iso, now }: { iso: string | null; now: number | null }) {
  return <>{iso ? timeAgo(iso, now) : "never"}</>;
}

/** The home page: what needs attention first, each item linking to its page. Polls /api/overview. */
export function OverviewBoard() {
  const { data, isError, error } = useQuery(overviewQueryOptions());
  const now = useNow();
  if (!data) {
    return isError ? (
      <Card className="p-4">
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          The overview could not be loaded: {error.message}
        </p>
      </Card>
    ) : (
      <OverviewSkeleton />
    );
  }
  const crit = data.criteria;
  const passing = crit.byHorizon.reduce((n, h) => n + h.counts.pass, 0);
  return (
    <div className="space-y-6">
      <p className="text-xs text-muted" aria-label="Data age">
        Newest health poll <Age iso={data.dataAge.newestSnapshotAt} now={now} /> · poller last ticked <Age iso={data.dataAge.pollerLastTickAt} now={now} />
        {isError ? <span className="text-amber-700 dark:text-amber-300"> · refresh failed, showing the last good data</span> : null}
      </p>

      <CardSection
        id="overview-endpoints"
        title="Endpoints"
        description="Health, queue depth and workers of every endpoint watched."
        actions={
          data.endpoints.length ? (
            <ButtonLink href="/endpoints" size="sm" variant="ghost">
              All endpoints
            </ButtonLink>
          ) : null
        }
      >
        {data.endpoints.length === 0 ? (
          <EmptyState icon={<ServerIcon size={20} />} title="No endpoints yet" headingLevel={3}>
            <p>sweepwatch discovers endpoints from RunPod once the poller runs; in demo mode they appear within seconds.</p>
            <p>
              Nothing after a minute? Run <Code>npx sweepwatch doctor</Code> to check the database, the RunPod key and the connection.
            </p>
          </EmptyState>
        ) : (
          <DataTable
            divided
            columns={["Endpoint", "Health", { label: "In queue", align: "right" }, { label: "Ready / unhealthy", align: "right" }, { label: "Flagged jobs", align: "right" }, "Last poll"]}
          >
            {data.endpoints.map((e) => (
              <tr key={e.id}>
                <td className="px-4 py-2">
                  <Link className={link} href={`/endpoints/${encodeURIComponent(e.id)}`}>
                    {e.name}
                  </Link>
                  <div className="font-mono text-[11px] text-faint">{e.id}</div>
                </td>
                <td className="px-4 py-2">
                  <Badge tone={HEALTH[e.health].tone} dot pulse={e.health === "crash_looping"}>
                    {HEALTH[e.health].label}
                  </Badge>
                  <div className="mt-0.5 text-xs text-muted">{e.healthText}</div>
                </td>
                <td className="px-4 py-2 text-right tabular-nums">{e.inQueue ?? "–"}</td>
                <td className="px-4 py-2 text-right tabular-nums">
                  {e.workersReady ?? (e.snapshotAt ? "not reported" : "–")} / {e.workersUnhealthy ?? (e.snapshotAt ? "not reported" : "–")}
                </td>
                <td className="px-4 py-2 text-right tabular-nums">
                  {e.flaggedJobs > 0 ? <Badge tone="danger">{e.flaggedJobs}</Badge> : "0"}
                </td>
                <td className="px-4 py-2 text-xs text-muted">
                  <Age iso={e.snapshotAt} now={now} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </CardSection>

      <div className="grid gap-6 lg:grid-cols-2">
        <CardSection
          id="overview-incidents"
          title={`Open incidents${data.incidents.open ? ` (${data.incidents.open})` : ""}`}
          actions={
            <ButtonLink href="/incidents" size="sm" variant="ghost">
              All incidents
            </ButtonLink>
          }
        >
          {data.incidents.items.length === 0 ? (
            <EmptyState icon={<AlertIcon size={20} />} title="No open incidents" headingLevel={3} size="sm">
              <p>An incident opens automatically when an endpoint&apos;s workers crash-loop.</p>
            </EmptyState>
          ) : (
            <ul className="divide-y divide-line">
              {data.incidents.items.map((i) => (
                <li key={i.id} className="px-4 py-3">
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge tone={i.state === "open" ? "danger" : "warning"} dot>
                      {i.state}
                    </Badge>
                    <Link className={link} href={`/incidents/${encodeURIComponent(i.id)}`}>
                      {i.title}
                    </Link>
                  </div>
                  <p className="mt-1 text-xs text-muted">
                    <Link className="hover:underline" href={`/endpoints/${encodeURIComponent(i.endpointId)}`}>
                      {i.endpointName}
                    </Link>{" "}
                    · {i.signature} · opened <Age iso={i.openedAt} now={now} />
                    {i.acknowledgedBy ? ` · acknowledged by ${i.acknowledgedBy}` : ""}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </CardSection>

        <CardSection
          id="overview-flagged"
          title={`Flagged jobs${data.flaggedJobs.total ? ` (${data.flaggedJobs.total})` : ""}`}
          description="Queued jobs whose endpoint's workers crash-loop on random_device could not be read."
        >
          {data.flaggedJobs.total === 0 ? (
            <EmptyState icon={<CheckCircleIcon size={20} />} title="No flagged jobs" headingLevel={3} size="sm">
              <p>A job is flagged while it waits on an endpoint whose workers crash-loop with the random_device error.</p>
            </EmptyState>
          ) : (
            <div className="space-y-3 p-4">
              <ul className="flex flex-wrap gap-2">
                {data.flaggedJobs.byEndpoint.map((b) => (
                  <li key={b.endpointId}>
                    <Link href={`/endpoints/${encodeURIComponent(b.endpointId)}`} className="hover:underline">
                      <Badge tone="danger" dot className="whitespace-normal!">
                        {b.endpointName}: {b.count}
                      </Badge>
                    </Link>
                  </li>
                ))}
              </ul>
              <ul className="space-y-1 text-xs">
                {data.flaggedJobs.items.map((j) => (
                  <li key={j.id} className="flex flex-wrap gap-x-2">
                    <Link className="font-mono text-fg hover:text-accent hover:underline" href={`/endpoints/${encodeURIComponent(j.endpointId)}?job=${encodeURIComponent(j.id)}`}>
                      {j.id}
                    </Link>
                    <span className="text-muted">
                      {j.status} since <Age iso={j.submittedAt} now={now} />
                    </span>
                    {j.sweepId ? (
                      <Link className="text-muted hover:underline" href={`/sweeps/${encodeURIComponent(j.sweepId)}`}>
                        sweep
                      </Link>
                    ) : null}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </CardSection>

        <CardSection
          id="overview-sweeps"
          title={`Running sweeps${data.sweeps.running ? ` (${data.sweeps.running})` : ""}`}
          actions={
            <ButtonLink href="/sweeps" size="sm" variant="ghost">
              All sweeps
            </ButtonLink>
          }
        >
          {data.sweeps.items.length === 0 ? (
            <EmptyState
              icon={<SweepIcon size={20} />}
              title="No sweeps running"
              headingLevel={3}
              size="sm"
              actions={
                <ButtonLink href="/sweeps" size="sm">
                  Go to sweeps
                </ButtonLink>
              }
            >
              <p>Sweeps run hyperparameter trials as RunPod jobs; their progress shows here.</p>
            </EmptyState>
          ) : (
            <ul className="divide-y divide-line">
              {data.sweeps.items.map((s) => {
                const pct = s.total ? Math.min(100, Math.round((s.done / s.total) * 100)) : null;
                return (
                  <li key={s.id} className="px-4 py-3">
                    <div className="flex flex-wrap items-center gap-2">
                      <Link className={link} href={`/sweeps/${encodeURIComponent(s.id)}`}>
                        {s.name}
                      </Link>
                      <Badge tone={s.state === "running" ? "accent" : "neutral"}>{s.state}</Badge>
                      {s.flagged ? <Badge tone="danger">crash loop</Badge> : null}
                    </div>
                    <div
                      className="mt-2 h-1.5 w-full overflow-hidden rounded-full bg-subtle"
                      role="progressbar"
                      aria-label={`${s.name} progress`}
                      aria-valuemin={0}
                      aria-valuemax={s.total ?? undefined}
                      aria-valuenow={s.done}
                    >
                      <div className="h-full bg-accent" style={{ width: `${pct ?? 0}%` }} />
                    </div>
                    <p className="mt-1 text-xs text-muted">
                      {s.done}
                      {s.total ? ` of ${s.total}` : ""} trials done{s.failed ? `, ${s.failed} failed` : ""}
                      {s.bestValue !== null ? ` · best ${s.metricName} ${s.bestValue.toPrecision(4)}` : ""}
                    </p>
                  </li>
                );
              })}
            </ul>
          )}
        </CardSection>

        <CardSection
          id="overview-criteria"
          title="Success criteria"
          description={crit.total ? `${passing} of ${crit.total} pass · evaluated ${crit.evaluatedAt ? formatUtcTime(crit.evaluatedAt, "minute") : "not yet"}` : undefined}
          actions={
            <ButtonLink href="/criteria" size="sm" variant="ghost">
              Criteria report
            </ButtonLink>
          }
        >
          {crit.total === 0 ? (
            <EmptyState icon={<CheckCircleIcon size={20} />} title="No success criteria yet" headingLevel={3} size="sm">
              <p>The status report&apos;s criteria are added when the poller first runs, then checked every minute.</p>
            </EmptyState>
          ) : (
            <div className="space-y-3 p-4">
              <dl className="grid grid-cols-3 gap-3">
                {crit.byHorizon.map((h) => (
                  <div key={h.horizon}>
                    <dt className="text-xs font-medium text-muted">{HORIZON_LABEL[h.horizon]}</dt>
                    <dd className="mt-1 flex flex-wrap gap-1">
                      {h.total === 0 ? <span className="text-xs text-muted">none</span> : null}
                      {STATE_ORDER.filter((s) => h.counts[s] > 0).map((s) => (
                        <span key={s} className="inline-flex items-center gap-1 text-xs">
                          <StateBadge state={s} /> {h.counts[s]}
                        </span>
                      ))}
                    </dd>
                  </div>
                ))}
              </dl>
              {crit.failing.length ? (
                <ul className="space-y-1 text-xs">
                  {crit.failing.map((c) => (
                    <li key={c.id} className="line-clamp-2">
                      <Link className="font-medium text-red-700 hover:underline dark:text-red-300" href="/criteria">
                        {c.title}
                      </Link>
                      <span className="text-muted"> · {c.summary}</span>
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          )}
        </CardSection>
      </div>
    </div>
  );
}

export function OverviewSkeleton() {
  return (
    <PageSkeleton label="Loading the overview" title="h-4 w-64" cards={[["h-4 w-1/3", "h-8 w-full", "h-8 w-full"]]}>
      <div className="grid gap-6 lg:grid-cols-2">
        {[0, 1, 2, 3].map((i) => (
          <Card key={i} className="space-y-3 p-4">
            <Skeleton className="h-4 w-1/3" />
            <Skeleton className="h-12 w-full" />
          </Card>
        ))}
      </div>
    </PageSkeleton>
  );
}
