"use client";

import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import type { CriterionWithHistoryDto } from "@/lib/api/specs/criteria";
import { buildDayBars, countdownText } from "@/lib/charts/criteria";
import { criteriaUrls, type CriteriaFilter } from "@/lib/criteria/client/queries";
import { AttestForm, ParamEditor, SmokeNowButton, SmokeSettingsEditor } from "./criterion-editors";
import { CriterionHistory } from "./criterion-history";
import { DayBars } from "./day-bars";
import { EvidenceList } from "./evidence-list";
import { formatDurationMs, formatSince, formatUtcTime } from "@/lib/format/time";
import { StateBadge } from "./state-badge";

const EDGE: Record<string, string> = { pass: "border-l-emerald-500", fail: "border-l-red-500", pending: "border-l-amber-400", unknown: "border-l-zinc-400" };

export function CriterionCard({
  c,
  filter,
  endpointName,
  endpointNames,
  now,
  renderedAt,
  canEdit,
  canAttest,
  trendDays,
}: {
  c: CriterionWithHistoryDto;
  filter: CriteriaFilter;
  endpointName: string | null;
  endpointNames: Map<string, string>;
  /** Ticking client clock (null during SSR/hydration). */
  now: number | null;
  /** Server time of the data, used until the client clock runs. */
  renderedAt: number;
  canEdit: boolean;
  canAttest: boolean;
  trendDays: number;
}) {
  const [panel, setPanel] = useState<"none" | "history" | "edit" | "attest" | "smoke">("none");
  const [expanded, setExpanded] = useState(false);
  const t = now ?? renderedAt;
  const bars = buildDayBars(c.history, { now: new Date(renderedAt), days: trendDays });
  const countdown = c.state === "pending" ? countdownText(c.countdownEndsAt, t) : null;
  const headingId = `criterion-${c.id}`;
  const toggle = (p: typeof panel) => setPanel(panel === p ? "none" : p);
  return (
    <article
      aria-labelledby={headingId}
      data-state={c.state}
      className={cx("break-inside-avoid rounded-md border border-l-4 border-line bg-surface p-4 print:p-2", EDGE[c.state] ?? "border-l-zinc-400", !c.enabled && "opacity-60")}
    >
      <div className="flex flex-wrap items-start gap-x-3 gap-y-2">
        <StateBadge state={c.state} />
        <div className="min-w-0 flex-1">
          <h3 id={headingId} className="text-sm font-semibold text-fg">
            {c.title}
          </h3>
          <p className="mt-0.5 text-xs text-muted print:hidden">{c.ruleDescription}</p>
        </div>
        <div className="flex shrink-0 flex-wrap items-center gap-2">
          <Badge tone="neutral">{c.endpointId ? (endpointName ?? c.endpointId) : "all endpoints"}</Badge>
          {!c.enabled ? <Badge tone="neutral">disabled</Badge> : null}
        </div>
      </div>

      {c.perEndpoint.length > 1 ? (
        <ul aria-label="Per endpoint" className="mt-3 flex flex-wrap gap-1.5 print:mt-1 print:gap-1">
          {c.perEndpoint.map((p) => (
            <li key={p.endpointId}>
              <Link href={criteriaUrls.page({ endpointId: p.endpointId })} className="inline-flex items-center gap-1 rounded-md border border-line px-1.5 py-0.5 text-xs text-muted hover:border-line-strong hover:text-fg">
                {endpointNames.get(p.endpointId) ?? p.endpointId}
                <StateBadge state={p.state} />
              </Link>
            </li>
          ))}
        </ul>
      ) : null}

      <p className={cx("mt-3 text-sm text-fg print:mt-1 print:line-clamp-none", c.perEndpoint.length > 1 && !expanded && "line-clamp-3")}>{c.summary}</p>
      {c.perEndpoint.length > 1 && c.summary.length > 240 ? (
        <button type="button" className="text-xs text-accent hover:underline print:hidden" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
          {expanded ? "Show less" : "Show the whole summary"}
        </button>
      ) : null}

      <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-xs text-muted">
        <div>
          <dt className="inline">Since </dt>
          <dd className="inline text-fg">
            {formatSince(c.since, now) ?? "not known (no recorded change)"}
          </dd>
        </div>
        <div className="print:hidden">
          <dt className="inline">Checked </dt>
          <dd className="inline text-fg">{c.evaluatedAt ? formatUtcTime(c.evaluatedAt, "minute") : "not yet"}</dd>
        </div>
        <div>
          <dt className="inline">Evidence from </dt>
          <dd className="inline text-fg">
            {c.evidenceAt ? (
              <>
                {formatUtcTime(c.evidenceAt, "minute")}
                {now !== null ? <span className="text-muted"> ({formatDurationMs(now - Date.parse(c.evidenceAt))} old)</span> : null}
              </>
            ) : (
              "no timed evidence"
            )}
          </dd>
        </div>
        {countdown ? (
          <div>
            <dt className="sr-only">Countdown</dt>
            <dd className="inline font-medium text-amber-700 dark:text-amber-300">Passes in {countdown} if nothing resets it</dd>
          </div>
        ) : null}
      </dl>
      {c.resetReason ? (
        <p className="mt-1 text-xs text-amber-800 dark:text-amber-300">
          <span className="font-medium">Countdown reset:</span> {c.resetReason}
        </p>
      ) : null}

      {c.evidence.length ? (
        <div className="mt-3 print:mt-1">
          <h4 className="mb-1 text-xs font-semibold text-fg print:hidden">Evidence</h4>
          <EvidenceList evidence={c.evidence} />
        </div>
      ) : null}

      <div className="mt-3 print:mt-1">
        <h4 className="sr-only">Trend</h4>
        <DayBars bars={bars} />
      </div>

      <div className="mt-3 flex flex-wrap gap-2 print:hidden">
        <Button size="sm" variant="ghost" aria-expanded={panel === "history"} onClick={() => toggle("history")}>
          History
        </Button>
        {canEdit ? (
          <Button size="sm" variant="ghost" aria-expanded={panel === "edit"} onClick={() => toggle("edit")}>
            Edit parameters
          </Button>
        ) : null}
        {canEdit && c.rule === "smoke_job_passed" && (c.endpointId ?? filter.endpointId) ? (
          <Button size="sm" variant="ghost" aria-expanded={panel === "smoke"} onClick={() => toggle("smoke")}>
            Smoke settings
          </Button>
        ) : null}
        {canAttest && c.rule === "smoke_job_passed" && (c.endpointId ?? filter.endpointId) ? (
          <SmokeNowButton endpointId={(c.endpointId ?? filter.endpointId)!} />
        ) : null}
        {canAttest && c.rule === "attestation" ? (
          <Button size="sm" variant="secondary" aria-expanded={panel === "attest"} onClick={() => toggle("attest")}>
            Attest
          </Button>
        ) : null}
      </div>
      {panel !== "none" ? (
        <div className="mt-3 border-t border-line pt-3 print:hidden">
          {panel === "history" ? <CriterionHistory id={c.id} filter={filter} /> : null}
          {panel === "edit" ? <ParamEditor id={c.id} rule={c.rule} params={c.params} onDone={() => setPanel("none")} /> : null}
          {panel === "attest" ? <AttestForm id={c.id} onDone={() => setPanel("none")} /> : null}
          {panel === "smoke" && (c.endpointId ?? filter.endpointId) ? <SmokeSettingsEditor endpointId={(c.endpointId ?? filter.endpointId)!} onDone={() => setPanel("none")} /> : null}
        </div>
      ) : null}
    </article>
  );
}
