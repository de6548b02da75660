"use client";

import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardSection } from "@/components/ui/card";
import { Stat, StatGrid } from "@/components/ui/stat";
import { cx } from "@/components/ui/cx";
import { useNow } from "@/components/hooks/use-now";
import type { CrashEventDto } from "@/lib/api/specs/crashes";
import type { IncidentDetailDto } from "@/lib/api/specs/incidents";
import { crashingWorkerTime } from "@/lib/charts/incidents";
import { endpointQueryOptions, workersQueryOptions } from "@/lib/endpoints/client/queries";
import { acknowledgeIncident, incidentKeys, incidentQueryOptions, resolveIncident, saveIncidentNotes } from "@/lib/incidents/client/queries";
import { IncidentStateBadge, SignatureBadge } from "./incident-badges";
import { Runbook, SafeMarkdown } from "./runbook";
import { DamagePanel } from "./damage-panel";
import { formatDuration, formatUtcTime, timeAgo } from "@/lib/format/time";

export function CrashLines({ crash, label }: { crash: CrashEventDto; label: string }) {
  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 flex flex-wrap items-center gap-2 text-xs text-muted">
        <span className="font-medium text-fg">{label}</span>
        <span>{formatUtcTime(crash.at)}</span>
        {crash.workerId ? <span className="font-mono">worker {crash.workerId}</span> : null}
        {crash.exitCode !== null ? <span>exit {crash.exitCode}</span> : null}
        {crash.image ? <span className="font-mono">{crash.image}</span> : null}
      </figcaption>
      <pre aria-label={`${label} log lines`} className="overflow-x-auto rounded-md border border-line bg-subtle p-3 font-mono text-xs leading-5">
        {crash.evidence.length
          ? crash.evidence.map((l, i) => (
              <div key={i} className={cx(l.match ? "font-semibold text-red-700 dark:text-red-300" : "text-muted")}>
                {l.text || " "}
              </div>
            ))
          : crash.title}
      </pre>
    </figure>
  );
}

function Actions({ incident }: { incident: IncidentDetailDto }) {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const onDone = (data: { incident: IncidentDetailDto }) => {
    qc.setQueryData(incidentKeys.detail(incident.id), data);
    void qc.invalidateQueries({ queryKey: incidentKeys.lists() });
  };
  const ack = useMutation({ mutationFn: () => acknowledgeIncident(incident.id), onSuccess: onDone });
  const resolve = useMutation({ mutationFn: () => resolveIncident(incident.id), onSuccess: (d) => (onDone(d), setConfirming(false)) });
  const err = ack.error ?? resolve.error;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <ButtonLink href={`/incidents/timeline/${encodeURIComponent(incident.endpointId)}`} size="sm">
        Crash timeline
      </ButtonLink>
      {incident.state === "open" ? (
        <Button size="sm" variant="primary" onClick={() => ack.mutate()} disabled={ack.isPending}>
          {ack.isPending ? "Acknowledging…" : "Acknowledge"}
        </Button>
      ) : null}
      {incident.state !== "resolved" && !confirming ? (
        <Button size="sm" onClick={() => setConfirming(true)}>
          Resolve…
        </Button>
      ) : null}
      {confirming ? (
        <span role="group" aria-label="Confirm resolution" className="flex items-center gap-2 rounded-md border border-line-strong px-2 py-1 text-xs">
          Resolve by hand? A later crash reopens it as a regression.
          <Button size="sm" variant="danger" onClick={() => resolve.mutate()} disabled={resolve.isPending}>
            {resolve.isPending ? "Resolving…" : "Confirm resolve"}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
        </span>
      ) : null}
      {err ? (
        <span role="alert" className="text-xs text-red-600">
          {err.message}
        </span>
      ) : null}
    </div>
  );
}

function Notes({ incident }: { incident: IncidentDetailDto }) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(incident.notes);
  const [base, setBase] = useState(incident.notesVersion);
  const save = useMutation({
    mutationFn: () => saveIncidentNotes(incident.id, draft, base),
    onSuccess: (d) => {
      qc.setQueryData(incidentKeys.detail(incident.id), d);
      setEditing(false);
    },
  });
  const newer = editing && incident.notesVersion !== base;
  return (
    <CardSection
      id="notes-h"
      title="Notes"
      description={incident.notesUpdatedBy ? `Version ${incident.notesVersion}, last edited by ${incident.notesUpdatedBy} ${formatUtcTime(incident.notesUpdatedAt)}` : "Markdown. What you tried, who is on it."}
      actions={
        editing ? null : (
          <Button
            size="sm"
            onClick={() => {
              setDraft(incident.notes);
              setBase(incident.notesVersion);
              save.reset();
              setEditing(true);
            }}
          >
            Edit notes
          </Button>
        )
      }
    >
      <CardBody>
        {editing ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate();
            }}
            className="space-y-2"
          >
            <label htmlFor="incident-notes" className="sr-only">
              Notes (Markdown)
            </label>
            <textarea
              id="incident-notes"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              rows={8}
              maxLength={20_000}
              className="w-full rounded-md border border-line-strong bg-surface p-2 font-mono text-xs"
            />
            {newer ? <p className="text-xs text-amber-700 dark:text-amber-300">Someone saved a newer version ({incident.notesVersion}) while you were editing; saving will be refused.</p> : null}
            {save.error ? (
              <p role="alert" className="text-xs text-red-600">
                {save.error.message}
              </p>
            ) : null}
            <div className="flex gap-2">
              <Button size="sm" variant="primary" type="submit" disabled={save.isPending}>
                {save.isPending ? "Saving…" : "Save notes"}
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setEditing(false)}>
                Cancel
              </Button>
            </div>
          </form>
        ) : incident.notes ? (
          <SafeMarkdown>{incident.notes}</SafeMarkdown>
        ) : (
          <p className="text-sm text-muted">No notes yet.</p>
        )}
      </CardBody>
    </CardSection>
  );
}

/** The incident page: evidence, blast radius, runbook, notes, history, acknowledge/resolve. */
export function IncidentView({ id }: { id: string }) {
  const now = useNow();
  const q = useQuery(incidentQueryOptions(id));
  if (!q.data) return <p className="text-sm text-muted">{q.isError ? `Could not load the incident: ${q.error.message}` : "Loading…"}</p>;
  const i = q.data.incident;
  const ev = i.evidence;
  const br = i.blastRadius;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-2">
          <IncidentStateBadge state={i.state} regressionCount={i.regressionCount} />
          <SignatureBadge signature={i.signature} />
          <span className="text-sm text-muted">
            on{" "}
            <Link className="font-medium text-fg hover:underline" href={`/endpoints/${encodeURIComponent(i.endpointId)}`}>
              {i.endpointName}
            </Link>{" "}
            · opened {timeAgo(i.openedAt, now)}
            {i.acknowledgedBy ? ` · acknowledged by ${i.acknowledgedBy}` : ""}
            {i.state === "resolved" ? ` · resolved ${i.resolution === "auto" ? "automatically (quiet period)" : `by ${i.resolvedBy ?? "?"}`} ${timeAgo(i.resolvedAt, now)}` : ""}
          </span>
          {q.isError ? <span className="text-xs text-amber-700">stale: {q.error.message}</span> : null}
        </div>
        <Actions incident={i} />
      </div>

      {i.dataState.kind === "no_data" ? (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-400/40 dark:bg-amber-400/10 dark:text-amber-200">
          <strong>No data since {i.dataState.since ? formatUtcTime(i.dataState.since) : "the last crash"}</strong>
          {i.dataState.reason ? `: ${i.dataState.reason}` : ""}. Recovery cannot be judged without evidence, so the incident stays open until a job completes
          or fresh polls show ready workers.
        </p>
      ) : (
        <p className="text-xs text-muted">Evidence current: the endpoint&apos;s latest health snapshot is from {i.dataState.since ? formatUtcTime(i.dataState.since) : "— (none yet)"}.</p>
      )}

      <Card>
        <StatGrid label="Incident figures">
          <Stat label="Crashes" value={<span className="tabular-nums">{ev.count}</span>} hint={`first ${formatUtcTime(ev.firstSeenAt)}, last ${timeAgo(ev.lastSeenAt, now)}`} />
          <QueueFigures endpointId={i.endpointId} flagged={br.flaggedJobs} trackedQueued={br.queuedJobs} />
          <WorkerTime endpointId={i.endpointId} workerIds={ev.workers} since={ev.firstSeenAt} />
        </StatGrid>
      </Card>

      <CardSection id="evidence-h" title="Evidence" description="The first and the latest crash of this fingerprint, with the lines around them.">
        <CardBody className="space-y-4">
          {ev.firstCrash ? <CrashLines crash={ev.firstCrash} label="First crash" /> : <p className="text-sm text-muted">No crash event stored (retention may have removed them).</p>}
          {ev.latestCrash && ev.latestCrash.id !== ev.firstCrash?.id ? <CrashLines crash={ev.latestCrash} label="Latest crash" /> : null}
          <dl className="grid gap-3 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-xs text-muted">Introduced by deploy</dt>
              <dd className="font-mono text-xs">{i.introducedImage ?? "unknown"}</dd>
              {i.introducedAt ? <dd className="text-xs text-muted">first seen {formatUtcTime(i.introducedAt)}</dd> : null}
            </div>
            <div>
              <dt className="text-xs text-muted">Images</dt>
              <dd className="font-mono text-xs">{ev.images.join(", ") || "—"}</dd>
            </div>
            <div>
              <dt className="text-xs text-muted">Workers</dt>
              <dd className="font-mono text-xs">{ev.workers.join(", ") || "—"}</dd>
            </div>
          </dl>
        </CardBody>
      </CardSection>

      {i.workerStartup.length ? <StartupFacts facts={i.workerStartup} /> : null}

      <CardSection id="blast-h" title="Blast radius">
        <CardBody>
          <ul className="space-y-1 text-sm">
            <li>
              <span className="tabular-nums">{br.queuedJobs}</span> queued job{br.queuedJobs === 1 ? "" : "s"} on the endpoint, <span className="tabular-nums">{br.flaggedJobs}</span> flagged{" "}
              <Link className="text-accent hover:underline" href={`/endpoints/${encodeURIComponent(i.endpointId)}?status=flagged`}>
                (see them)
              </Link>
            </li>
            <li>
              <span className="tabular-nums">{br.blockedTrials}</span> blocked trial{br.blockedTrials === 1 ? "" : "s"}
              {br.sweeps.length ? " in " : ""}
              {br.sweeps.map((s, k) => (
                <span key={s.id}>
                  {k ? ", " : ""}
                  <Link className="text-accent hover:underline" href={`/sweeps/${encodeURIComponent(s.id)}`}>
                    {s.name}
                  </Link>{" "}
                  ({s.blockedTrials}, {s.state})
                </span>
              ))}
            </li>
          </ul>
        </CardBody>
      </CardSection>

      <CardSection id="runbook-h" title={`Runbook: ${i.runbook.title}`}>
        <CardBody>
          <Runbook runbook={i.runbook} />
        </CardBody>
      </CardSection>

      <DamagePanel incidentId={i.id} endpointId={i.endpointId} />

      <Notes key={`${i.id}`} incident={i} />

      <CardSection id="history-h" title="History">
        <CardBody>
          <ol className="space-y-1 text-sm">
            {i.events.map((e, k) => (
              <li key={k} className="flex gap-3">
                <span className="w-48 shrink-0 text-xs text-muted">{formatUtcTime(e.at)}</span>
                <span className="font-medium">{e.kind}</span>
                <span className="text-muted">{e.actor ? `by ${e.actor}` : e.kind === "resolved" || e.kind === "opened" || e.kind === "regressed" ? "by detection" : ""}</span>
              </li>
            ))}
          </ol>
        </CardBody>
      </CardSection>
    </div>
  );
}

/** "23 of 236 queued jobs tracked": sweepwatch's tracked jobs against RunPod's own queue counter. */
function QueueFigures({ endpointId, flagged, trackedQueued }: { endpointId: string; flagged: number; trackedQueued: number }) {
  const ep = useQuery(endpointQueryOptions(endpointId));
  const inQueue = ep.data?.endpoint.latestSnapshot?.jobs.inQueue;
  return (
    <Stat
      label="Flagged queued jobs"
      value={<span className="tabular-nums">{flagged}</span>}
      hint={
        typeof inQueue === "number"
          ? `${trackedQueued} of ${inQueue} queued jobs tracked (RunPod's queue counter)`
          : `of ${trackedQueued} tracked queued jobs`
      }
    />
  );
}

/** Worker time from the crashing workers' uptime (first seen to gone), not from the number of crashes. */
function WorkerTime({ endpointId, workerIds, since }: { endpointId: string; workerIds: string[]; since: string | null }) {
  const w = useQuery(workersQueryOptions(endpointId));
  if (!w.data) return <Stat label="Worker time crashing" value="…" hint={`${workerIds.length} worker${workerIds.length === 1 ? "" : "s"}`} />;
  const t = crashingWorkerTime(w.data.workers, workerIds, since);
  return (
    <Stat
      label="Worker time crashing"
      value={<span className="tabular-nums">{formatDuration(t.seconds)}</span>}
      hint={`uptime of ${t.counted} crashing worker${t.counted === 1 ? "" : "s"} since the first crash${t.missing ? `; ${t.missing} more no longer listed (not counted)` : ""}`}
    />
  );
}

/** What the worker wrapper recorded at start-up (stdin, CPU flags, libstdc++ copies, versions), newest per worker. */
function StartupFacts({ facts }: { facts: Record<string, unknown>[] }) {
  const show = (v: unknown) => (v === null || v === undefined ? "unknown" : typeof v === "string" ? v : JSON.stringify(v));
  return (
    <CardSection id="startup-h" title="Worker start-up facts" description="Recorded by sweepwatch's worker wrapper when each worker started: what the runbook's checks ask about.">
      <CardBody className="space-y-3">
        {facts.map((f, k) => {
          const { workerId, at, ...rest } = f;
          return (
            <div key={`${show(workerId)}-${k}`} className="min-w-0 [overflow-wrap:anywhere]">
              <p className="text-xs text-muted">
                Worker <span className="font-mono text-fg">{show(workerId)}</span> at {typeof at === "string" ? formatUtcTime(at) : "unknown time"}
              </p>
              <dl className="mt-1 grid gap-x-4 gap-y-1 text-xs sm:grid-cols-[max-content_1fr]">
                {Object.entries(rest).map(([key, v]) => (
                  <div key={key} className="contents">
                    <dt className="font-mono text-muted">{key}</dt>
                    <dd className="font-mono">{show(v)}</dd>
                  </div>
                ))}
              </dl>
            </div>
          );
        })}
      </CardBody>
    </CardSection>
  );
}
