"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { parseSweepConfig, configToYaml } from "@/lib/domain/sweep";
import type { SweepDetailDto } from "@/lib/api/specs/sweeps";
import { sweepQueryOptions, trialPageQueryOptions } from "@/lib/sweeps/client/queries";
import { Card, CardSection } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Stat, StatGrid } from "@/components/ui/stat";
import { BestTrial } from "./best-trial";
import { CrashLoopNotice, SweepStateBadge } from "./sweep-badges";
import { SweepControls } from "./sweep-controls";
import { SweepNotes } from "./sweep-notes";
import { SweepCost } from "./sweep-cost";
import { SweepProgressBar } from "./sweep-progress-bar";
import { TrialDialog, type TrialView } from "./trial-dialog";
import { TrialTable } from "./trial-table";
import { formatDuration, formatUtcTime } from "@/lib/format/time";
import { formatMetric } from "./format";
import { toTrialPageParams } from "./trial-search-params";
import { useTrialSearchParams } from "./use-trial-search-params";
import { LIVE_SWEEP_STATES } from "./sweep-page-options";


/** The sweep page (client part): polls the sweep and its trials while it runs. `analysis` is the streamed charts slot. */
export function SweepDetail({ id, analysis }: { id: string; analysis: ReactNode }) {
  const { data: sweep, isError, error, dataUpdatedAt } = useQuery(sweepQueryOptions(id));
  const [params, setParams] = useTrialSearchParams();
  const live = sweep ? LIVE_SWEEP_STATES.includes(sweep.state) : false;
  // Same options as the table: TanStack dedups, and the dialog finds the opened trial on the page.
  const trials = useQuery({ ...trialPageQueryOptions(id, toTrialPageParams(params), { live }), enabled: !!sweep });

  if (!sweep) {
    return (
      <Card role="alert">
        <EmptyState title="This sweep could not be loaded" headingLevel={1}>
          <p>{error instanceof Error ? error.message : "The server did not answer."}</p>
        </EmptyState>
      </Card>
    );
  }

  const opened: TrialView | null = (() => {
    if (!params.trial) return null;
    const row = trials.data?.trials.find((t) => t.id === params.trial);
    if (row) return row;
    if (sweep.best?.id === params.trial) return { ...sweep.best, status: "completed" };
    return null;
  })();

  return (
    <div className="space-y-6">
      <SweepHeader sweep={sweep} />
      {isError ? (
        <p role="status" className="rounded bg-amber-50 px-3 py-1.5 text-xs text-amber-800 dark:bg-amber-400/10 dark:text-amber-300">
          Showing the data from {formatUtcTime(dataUpdatedAt)}; the latest refresh failed.
        </p>
      ) : null}
      {sweep.flag ? <CrashLoopNotice flag={sweep.flag} endpointId={sweep.endpointId} endpointName={sweep.endpointName} /> : null}

      <Card as="section" aria-label="Progress">
        <StatGrid label="Sweep progress">
          <Stat
            label="Progress"
            value={<SweepProgressBar progress={sweep.progress} label={`Progress of ${sweep.name}`} className="pt-1" />}
          />
          <Stat
            label="ETA"
            value={<span className="tabular-nums">{formatDuration(sweep.eta.etaSeconds)}</span>}
            hint={etaHint(sweep)}
          />
          <Stat
            label={`Best ${sweep.metric.name}`}
            value={<span className="font-mono tabular-nums">{formatMetric(sweep.bestValue)}</span>}
            hint={`${sweep.metric.goal}${sweep.metric.target !== null ? ` · target ${formatMetric(sweep.metric.target)}` : ""} · failed ${sweep.failedCount} of ${sweep.failedBudget} allowed`}
          />
        </StatGrid>
      </Card>

      <SweepCost sweepId={sweep.id} live={live} />

      <CardSection id="best-trial-heading" title="Best trial">
        <BestTrial
          best={sweep.best}
          metricName={sweep.metric.name}
          goal={sweep.metric.goal}
          paramNames={sweep.paramNames}
          endpointId={sweep.endpointId}
          onOpen={(trial) => setParams({ trial })}
        />
      </CardSection>

      {analysis}

      <CardSection id="trials-heading" title="Trials" description={live ? "Live: new trials appear as the controller submits them." : undefined}>
        <TrialTable sweep={sweep} live={live} params={params} setParams={setParams} onOpenTrial={(trial) => setParams({ trial })} />
      </CardSection>

      <div className="grid gap-6 lg:grid-cols-2">
        <CardSection id="notes-heading" title="Notes" description="Markdown; saved with a version, so a newer edit is never overwritten.">
          <SweepNotes sweep={sweep} />
        </CardSection>
        <CardSection id="config-heading" title="Config" description={sweep.configText ? "As submitted." : "Normalised W&B config."}>
          <pre className="max-h-96 overflow-auto p-4 font-mono text-xs leading-5">{configText(sweep)}</pre>
        </CardSection>
      </div>

      {params.trial && !opened && trials.data ? (
        <p role="status" className="fixed bottom-4 right-4 z-40 flex items-center gap-3 rounded-md border border-line bg-surface px-3 py-2 text-sm shadow-lg">
          The trial in the link is not on this page of the table; sort or filter to find it.
          <button type="button" className="text-xs font-medium text-accent underline" onClick={() => setParams({ trial: undefined }, { replace: true })}>
            Dismiss
          </button>
        </p>
      ) : null}
      {params.trial && opened ? (
        <TrialDialog
          key={opened.id}
          trial={opened}
          metricName={sweep.metric.name}
          endpointId={sweep.endpointId}
          isBest={opened.id === sweep.bestTrialId}
          onClose={() => setParams({ trial: undefined }, { replace: true })}
        />
      ) : null}
    </div>
  );
}

function etaHint(s: SweepDetailDto): string {
  if (s.eta.finishesAt) return `about ${formatUtcTime(s.eta.finishesAt)}${s.eta.ratePerHour ? ` · ${formatMetric(s.eta.ratePerHour)} trials/h` : ""}`;
  if (s.flag) return "no trial runs while the endpoint crash-loops";
  if (s.eta.remaining === null) return "open-ended: no run_cap";
  if (!LIVE_SWEEP_STATES.includes(s.state)) return s.finishedAt ? `finished ${formatUtcTime(s.finishedAt)}` : `sweep ${s.state}`;
  return "known once trials finish";
}

function configText(s: SweepDetailDto): string {
  if (s.configText) return s.configText;
  const r = parseSweepConfig(s.config);
  return r.ok ? configToYaml(r.config) : JSON.stringify(s.config, null, 2);
}

function SweepHeader({ sweep }: { sweep: SweepDetailDto }) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0">
        <p className="mb-1 text-xs text-muted">
          <Link href="/sweeps" className="hover:text-fg hover:underline">
            Sweeps
          </Link>{" "}
          /
        </p>
        <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold tracking-tight">
          <span className="min-w-0 break-words">{sweep.name}</span>
          <SweepStateBadge state={sweep.state} />
        </h1>
        <p className="mt-1 text-sm text-muted">
          {sweep.method} search · {sweep.metric.goal} <span className="font-mono">{sweep.metric.name}</span> · {sweep.parallel} in parallel · endpoint{" "}
          <Link href={`/endpoints/${encodeURIComponent(sweep.endpointId)}`} className="text-accent hover:underline">
            {sweep.endpointName ?? sweep.endpointId}
          </Link>
          {sweep.createdBy ? ` · by ${sweep.createdBy}` : ""} · created {formatUtcTime(sweep.createdAt)}
        </p>
        {sweep.stateReason ? <p className="mt-1 text-sm text-muted">{sweep.stateReason}</p> : null}
      </div>
      <SweepControls sweep={sweep} />
    </div>
  );
}
