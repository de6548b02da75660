"use client";

import { Fragment, useState, type KeyboardEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { TRIAL_STATUSES, type SweepDetailDto, type TrialDto, type TrialSort, type TrialStatusName } from "@/lib/api/specs/sweeps";
import { sweepUrls, trialPageQueryOptions } from "@/lib/sweeps/client/queries";
import { Button, buttonClasses } from "@/components/ui/button";
import { parseRunpodError } from "@/lib/format/runpod-error";
import { cx } from "@/components/ui/cx";
import { TrialStatusBadge } from "./sweep-badges";
import { formatDurationMs, formatUtcTime } from "@/lib/format/time";
import { formatMetric, formatParam, paramAt } from "./format";
import { JobLink } from "./trial-links";
import { hasTrialFilters, PAGE_SIZES, toTrialFilters, toTrialPageParams, type TrialSearchParams } from "./trial-search-params";

const MAX_PARAM_COLUMNS = 10;

/**
 * The trial table: sort (any column, on the server), status and metric-range filters and the page live in
 * the URL. Rows are keyed by trial id, so polling patches them in place; keepPreviousData keeps
 * the rows on screen while a new page or filter loads.
 */
export function TrialTable({
  sweep,
  live,
  params,
  setParams,
  onOpenTrial,
}: {
  sweep: SweepDetailDto;
  live: boolean;
  params: TrialSearchParams;
  setParams: (patch: Partial<TrialSearchParams>, opts?: { replace?: boolean }) => void;
  onOpenTrial: (id: string) => void;
}) {
  const q = useQuery(trialPageQueryOptions(sweep.id, toTrialPageParams(params), { live }));
  const page = q.data;
  const [openGroups, setOpenGroups] = useState<Set<string>>(new Set());
  const toggleGroup = (id: string) =>
    setOpenGroups((o) => {
      const n = new Set(o);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const trials = page?.trials ?? [];
  // Cursors of the pages before this one (Previous pops); reset when sort or filters change.
  const [history, setHistory] = useState<(string | undefined)[]>([]);
  const paramCols = sweep.paramNames.slice(0, MAX_PARAM_COLUMNS);
  const metric = sweep.metric;

  const refilter = (patch: Partial<TrialSearchParams>) => {
    setHistory([]);
    setParams({ ...patch, cursor: undefined });
  };
  const toggleStatus = (s: TrialStatusName) =>
    refilter({ status: params.status.includes(s) ? params.status.filter((x) => x !== s) : [...params.status, s].sort() });
  // Every column sorts on the server, over the whole sweep (not just the page shown).
  const defaultOrder = (sort: TrialSort) => (sort === "metric" ? (metric.goal === "maximize" ? "desc" : "asc") : sort === "number" ? "desc" : "asc");
  const sortBy = (sort: TrialSort) => {
    if (params.sort !== sort) refilter({ sort, order: undefined });
    else refilter({ order: (params.order ?? defaultOrder(sort)) === "asc" ? "desc" : "asc" });
  };
  const orderOf = (sort: TrialSort) => (params.sort === sort ? (params.order ?? defaultOrder(sort)) : undefined);
  const ariaSort = (sort: TrialSort) => {
    const o = orderOf(sort);
    return o === "asc" ? "ascending" : o === "desc" ? "descending" : undefined;
  };
  const sortHeader = (sort: TrialSort, label: string, o: { right?: boolean; mono?: boolean; title?: string; className?: string } = {}) => (
    <th key={sort} scope="col" aria-sort={ariaSort(sort)} title={o.title} className={cx("px-3 py-2 font-medium", o.right && "text-right", o.className)}>
      <SortButton label={label} mono={o.mono} order={orderOf(sort)} onClick={() => sortBy(sort)} />
    </th>
  );
  const filters = toTrialFilters(params);
  const pageIndex = history.length + (params.cursor && history.length === 0 ? 1 : 0);
  const firstRow = page ? pageIndex * params.limit + 1 : 0;

  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-3 border-b border-line px-4 py-3">
        <fieldset className="flex flex-wrap items-center gap-1.5">
          <legend className="sr-only">Filter by state</legend>
          <span className="mr-1 text-xs text-muted" aria-hidden>
            State
          </span>
          {TRIAL_STATUSES.map((s) => {
            const on = params.status.includes(s);
            const count = countFor(sweep, s);
            return (
              <label
                key={s}
                className={cx(
                  "inline-flex cursor-pointer items-center gap-1 rounded-md border px-2 py-0.5 text-xs has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-accent",
                  on ? "border-accent bg-accent-soft text-accent" : "border-line text-muted hover:text-fg",
                )}
              >
                <input type="checkbox" className="sr-only" checked={on} onChange={() => toggleStatus(s)} />
                {s}
                {count !== null ? <span className="tabular-nums opacity-70">{count}</span> : null}
              </label>
            );
          })}
        </fieldset>
        <MetricRange
          key={`${params.valueMin ?? ""}:${params.valueMax ?? ""}`}
          name={metric.name}
          min={params.valueMin}
          max={params.valueMax}
          onApply={(valueMin, valueMax) => refilter({ valueMin, valueMax })}
        />
      </div>

      <div className="flex flex-wrap items-center justify-between gap-2 px-4 py-2 text-xs text-muted">
        <p aria-live="polite">
          {page ? (
            <>
              {page.total === 0 ? "No trials" : `Trials ${firstRow}–${firstRow + trials.length - 1} of ${page.total.toLocaleString("en-US")}`}
              {hasTrialFilters(params) ? " matching the filters" : ""}
              {q.isFetching && q.isPlaceholderData ? " · loading…" : ""}
            </>
          ) : q.isError ? (
            "The trials could not be loaded."
          ) : (
            "Loading trials…"
          )}
        </p>
        <div className="flex flex-wrap items-center gap-2">
          {hasTrialFilters(params) ? (
            <Button size="sm" variant="ghost" onClick={() => refilter({ status: [], valueMin: undefined, valueMax: undefined })}>
              Clear filters
            </Button>
          ) : null}
          <span>Export {hasTrialFilters(params) ? "filtered" : "all"} trials:</span>
          <a className={buttonClasses({ size: "sm" })} href={sweepUrls.export(sweep.id, "csv", filters)} download>
            CSV
          </a>
          <a className={buttonClasses({ size: "sm" })} href={sweepUrls.export(sweep.id, "json", filters)} download>
            JSON
          </a>
          {hasTrialFilters(params) ? (
            <a className="underline underline-offset-2 hover:text-fg" href={sweepUrls.export(sweep.id, "csv")} download>
              all as CSV
            </a>
          ) : null}
        </div>
      </div>

      {q.isError && page ? (
        <p role="status" className="mx-4 mb-2 rounded bg-amber-50 px-2 py-1 text-xs text-amber-800 dark:bg-amber-400/10 dark:text-amber-300">
          The latest refresh failed; showing the last trials loaded.
        </p>
      ) : null}

      <div className="relative overflow-x-auto">
        <table className={cx("w-full text-sm", q.isPlaceholderData && "opacity-60")} aria-busy={q.isFetching && q.isPlaceholderData}>
          <caption className="sr-only">Trials of {sweep.name}</caption>
          <thead className="border-y border-line bg-subtle/60 text-left text-xs text-muted">
            <tr>
              {sortHeader("number", "Trial")}
              {sortHeader("status", "State")}
              {sortHeader("metric", metric.name, { right: true, mono: true })}
              {paramCols.map((p) => sortHeader(`param:${p}`, p, { mono: true, title: p, className: "max-w-40 truncate font-mono" }))}
              {sortHeader("error", "Error")}
              {sortHeader("job", "Job")}
              {sortHeader("duration", "Duration", { right: true })}
              {sortHeader("finished", "Finished")}
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {groupAttempts(trials).map(({ main, earlier }) => (
              <Fragment key={main.id}>
                <TrialRow
                  trial={main}
                  paramCols={paramCols}
                  endpointId={sweep.endpointId}
                  best={main.id === sweep.bestTrialId}
                  onOpen={onOpenTrial}
                  attempts={earlier.length ? { count: earlier.length, open: openGroups.has(main.id), toggle: () => toggleGroup(main.id) } : undefined}
                />
                {openGroups.has(main.id)
                  ? earlier.map((t) => <TrialRow key={t.id} trial={t} paramCols={paramCols} endpointId={sweep.endpointId} best={false} onOpen={onOpenTrial} sub />)
                  : null}
              </Fragment>
            ))}
            {page && trials.length === 0 ? (
              <tr>
                <td colSpan={7 + paramCols.length} className="px-4 py-8 text-center text-sm text-muted">
                  {hasTrialFilters(params)
                    ? "No trial matches these filters."
                    : sweep.flag
                      ? "No trial has started: the endpoint's workers crash-loop (see above)."
                      : "No trials yet. The controller submits the first ones within a few seconds of the sweep starting."}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {sweep.paramNames.length > MAX_PARAM_COLUMNS ? (
        <p className="px-4 pt-2 text-xs text-muted">
          Showing the first {MAX_PARAM_COLUMNS} of {sweep.paramNames.length} parameters; open a trial or export to see all.
        </p>
      ) : null}

      <nav aria-label="Trial pages" className="flex flex-wrap items-center justify-between gap-2 px-4 py-3">
        <label className="flex items-center gap-2 text-xs text-muted">
          Rows per page
          <select
            className="h-7 rounded-md border border-line-strong bg-surface px-1 text-xs text-fg"
            value={params.limit}
            onChange={(e) => refilter({ limit: Number(e.target.value) })}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <div className="flex items-center gap-2">
          <Button size="sm" disabled={!params.cursor} onClick={() => refilter({})}>
            First
          </Button>
          <Button
            size="sm"
            disabled={history.length === 0}
            onClick={() => {
              const prev = history[history.length - 1];
              setHistory(history.slice(0, -1));
              setParams({ cursor: prev });
            }}
          >
            Previous
          </Button>
          <Button
            size="sm"
            disabled={!page?.nextCursor}
            onClick={() => {
              if (!page?.nextCursor) return;
              setHistory([...history, params.cursor]);
              setParams({ cursor: page.nextCursor });
            }}
          >
            Next
          </Button>
        </div>
      </nav>
    </div>
  );
}

function countFor(sweep: SweepDetailDto, s: TrialStatusName): number | null {
  const p = sweep.progress;
  switch (s) {
    case "completed":
      return p.completed;
    case "failed":
      return p.failed;
    case "running":
      return p.running;
    case "pending":
      return p.pending;
    case "cancelled":
      return p.cancelled;
    case "stopped":
      return p.stopped;
    case "expired":
      return p.expired;
    default:
      return null;
  }
}

function SortButton({ label, order, onClick, mono }: { label: string; order: "asc" | "desc" | undefined; onClick: () => void; mono?: boolean }) {
  return (
    <button type="button" onClick={onClick} className={cx("inline-flex items-center gap-1 hover:text-fg", order && "text-fg", mono && "font-mono")}>
      {label}
      <span aria-hidden className="text-[10px]">
        {order === "asc" ? "▲" : order === "desc" ? "▼" : "↕"}
      </span>
      <span className="sr-only">
        {order ? `, sorted ${order === "asc" ? "ascending" : "descending"}` : ", sort"}
      </span>
    </button>
  );
}

function TrialRow({
  trial: t,
  paramCols,
  endpointId,
  best,
  onOpen,
  attempts,
  sub,
}: {
  trial: TrialDto;
  paramCols: string[];
  endpointId: string;
  best: boolean;
  onOpen: (id: string) => void;
  /** Earlier attempts with the same parameters, folded under this row. */
  attempts?: { count: number; open: boolean; toggle: () => void };
  /** An earlier attempt shown under its trial. */
  sub?: boolean;
}) {
  return (
    <tr
      className={cx("hover:bg-subtle/40", best && "bg-amber-50/60 dark:bg-amber-400/5", sub && "bg-subtle/30 text-muted")}
      data-trial={sub ? undefined : t.number}
      data-attempt-of={sub ? "" : undefined}
    >
      <td className={cx("whitespace-nowrap px-3 py-1.5", sub && "pl-8")}>
        <button type="button" onClick={() => onOpen(t.id)} className="font-mono text-xs text-accent hover:underline" aria-label={`Open trial ${t.number}`}>
          {sub ? `attempt #${t.number}` : `#${t.number}`}
        </button>
        {attempts ? (
          <button type="button" aria-expanded={attempts.open} onClick={attempts.toggle} className="ml-2 text-[11px] text-muted hover:text-fg hover:underline">
            {attempts.open ? "hide" : "+"} {attempts.count} earlier attempt{attempts.count === 1 ? "" : "s"}
          </button>
        ) : null}
        {best ? <span className="ml-1.5 text-[10px] font-semibold uppercase text-amber-600 dark:text-amber-400">best</span> : null}
      </td>
      <td className="px-3 py-1.5">
        <span title={t.error ?? undefined}>
          <TrialStatusBadge status={t.status} />
        </span>
      </td>
      <td className="px-3 py-1.5 text-right font-mono text-xs tabular-nums">{formatMetric(t.value)}</td>
      {paramCols.map((p) => (
        <td key={p} className="max-w-40 truncate px-3 py-1.5 font-mono text-xs">
          {formatParam(paramAt(t.params, p))}
        </td>
      ))}
      <td className="max-w-64 px-3 py-1.5 text-xs text-red-800 dark:text-red-300" title={t.error ?? undefined}>
        {errorSummary(t.error) ?? <span className="text-faint">—</span>}
      </td>
      <td className="max-w-48 truncate px-3 py-1.5">
        <JobLink endpointId={endpointId} jobId={t.jobId} />
      </td>
      <td className="px-3 py-1.5 text-right text-xs tabular-nums text-muted">{formatDurationMs(t.durationMs)}</td>
      <td className="whitespace-nowrap px-3 py-1.5 text-xs text-muted">{formatUtcTime(t.finishedAt)}</td>
    </tr>
  );
}

function MetricRange({ name, min, max, onApply }: { name: string; min?: number; max?: number; onApply: (min?: number, max?: number) => void }) {
  const [lo, setLo] = useState(min === undefined ? "" : String(min));
  const [hi, setHi] = useState(max === undefined ? "" : String(max));
  const num = (s: string) => (s.trim() === "" || !Number.isFinite(Number(s)) ? undefined : Number(s));
  const apply = () => {
    if (num(lo) !== min || num(hi) !== max) onApply(num(lo), num(hi));
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Enter") apply();
  };
  const cls = "h-7 w-24 rounded-md border border-line-strong bg-surface px-2 font-mono text-xs";
  return (
    <fieldset className="flex items-center gap-1.5 text-xs text-muted">
      <legend className="sr-only">Filter by {name}</legend>
      <span className="font-mono">{name}</span>
      <input aria-label={`${name} at least`} className={cls} placeholder="min" value={lo} onChange={(e) => setLo(e.target.value)} onBlur={apply} onKeyDown={onKey} />
      <span aria-hidden>–</span>
      <input aria-label={`${name} at most`} className={cls} placeholder="max" value={hi} onChange={(e) => setHi(e.target.value)} onBlur={apply} onKeyDown={onKey} />
    </fieldset>
  );
}

/** "ValueError: loss is NaN" from runpod-python's error JSON (first line only; the trial dialog has the traceback). */
function errorSummary(error: string | null): string | null {
  const e = parseRunpodError(error);
  if (!e) return null;
  const first = e.message.split("\n")[0];
  return e.type ? `${e.type}: ${first}` : first;
}

/**
 * A retried trial comes back as a new row with the same parameters and attempt + 1 (a job that was never
 * submitted is requeued with the same attempt): lib/sweeps/controller.ts. Rows of the page that continue
 * such a chain are one trial: its newest attempt is the row shown, the earlier ones fold under it.
 * Trials that merely share parameters (a random sweep over few categories) stay separate.
 */
export function groupAttempts(trials: TrialDto[]): { main: TrialDto; earlier: TrialDto[] }[] {
  const key = (t: TrialDto) => JSON.stringify(t.params, (_k, v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));
  const chains: TrialDto[][] = [];
  const open = new Map<string, TrialDto[][]>();
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    const k = key(t);
    const candidates = open.get(k) ?? [];
    const chain = candidates.find((c) => {
      const last = c[c.length - 1];
      return last.status !== "completed" && (last.attempt === t.attempt - 1 || last.attempt === t.attempt);
    });
    if (chain) chain.push(t);
    else {
      const c = [t];
      chains.push(c);
      open.set(k, [...candidates, c]);
    }
  }
  const byMain = new Map(chains.map((c) => [c[c.length - 1].id, c]));
  // Keep the page's order (its sort) for the rows shown.
  return trials.filter((t) => byMain.has(t.id)).map((t) => {
    const c = byMain.get(t.id)!;
    return { main: t, earlier: c.slice(0, -1).reverse() };
  });
}
