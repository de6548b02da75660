"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button, ButtonLink, buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { CheckCircleIcon } from "@/components/ui/icons";
import { Skeleton } from "@/components/ui/skeleton";
import { useNow } from "@/components/hooks/use-now";
import { useHydrated } from "@/components/hooks/use-hydrated";
import { countByHorizon, HORIZON_LABEL, HORIZON_ORDER, STATE_ORDER } from "@/lib/charts/criteria";
import { criteriaQueryOptions, criteriaUrls, evaluateCriteria, criteriaKeys, type CriteriaFilter } from "@/lib/criteria/client/queries";
import { meQueryOptions } from "@/lib/auth/client/queries";
import { CriterionCard } from "./criterion-card";
import { CriteriaCost } from "./criteria-cost";
import { formatSince, formatUtcTime } from "@/lib/format/time";
import { StateBadge } from "./state-badge";
import { roleSatisfies } from "@/lib/domain/roles";

/** How a criterion over several endpoints is combined (docs/criteria.md); shown beside the states. */
export const ROLL_UP_RULE =
  "A criterion over all endpoints is checked per endpoint, leaving out endpoints where its rule does not apply; of the rest the worst state wins (fail > pending > unknown > pass), so it passes only when every applicable endpoint passes on its own evidence, and with none applicable it is unknown.";

const HORIZON_HINT = { immediate: "Must hold now.", short_term: "Over the coming days.", long_term: "Over weeks: the deployment is done." } as const;

/** The managers' criteria page: toolbar, totals, and the criteria grouped by horizon. */
export function CriteriaBoard({ filter }: { filter: CriteriaFilter }) {
  const { data, isError, error, isFetching } = useQuery(criteriaQueryOptions(filter));
  const me = useQuery(meQueryOptions());
  const router = useRouter();
  const now = useNow();
  const qc = useQueryClient();
  const [openCards, setOpenCards] = useState<Set<string>>(new Set());
  const [allCards, setAllCards] = useState(false);
  const evaluate = useMutation({
    mutationFn: evaluateCriteria,
    onSuccess: () => qc.invalidateQueries({ queryKey: criteriaKeys.all }),
  });
  // The role arrives from the browser's /api/auth/me (often fetched first by the header): only use it
  // after hydration, so the server's HTML and the first client render agree.
  const hydrated = useHydrated();
  const role = hydrated ? (me.data?.principal?.role ?? null) : null;
  // Mirrors the routes' access rules (lib/api/specs/criteria.ts): edit = admin, attest = engineer or admin.
  const canEdit = roleSatisfies(role, "admin");
  const canAttest = roleSatisfies(role, "engineer");
  const canEvaluate = role !== null;

  if (!data) {
    return isError ? (
      <Card className="p-4">
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          The criteria could not be loaded: {error.message}
        </p>
        {filter.endpointId ? (
          <ButtonLink className="mt-3" size="sm" href={criteriaUrls.page({})}>
            Show all endpoints
          </ButtonLink>
        ) : null}
      </Card>
    ) : (
      <div aria-busy="true" className="space-y-3">
        <Skeleton className="h-16 w-full" />
        <Skeleton className="h-40 w-full" />
      </div>
    );
  }

  const names = new Map(data.endpoints.map((e) => [e.id, e.name]));
  const renderedAt = Date.parse(data.generatedAt);
  const totals = countByHorizon(data.criteria);
  const filterName = filter.endpointId ? (names.get(filter.endpointId) ?? filter.endpointId) : null;
  const passing = data.criteria.filter((c) => c.state === "pass").length;
  const others = STATE_ORDER.filter((st) => st !== "pass")
    .map((st) => [st, data.criteria.filter((c) => c.state === st).length] as const)
    .filter(([, n]) => n > 0);
  const unlisted = data.criteria.filter((c) => !(STATE_ORDER as string[]).includes(c.state)).length;
  const toggleCard = (id: string) =>
    setOpenCards((o) => {
      const n = new Set(o);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <div className="space-y-6 print:space-y-2">
      {data.criteria.length > 0 ? (
        <div role="status" aria-label="Criteria passing" className="space-y-1">
          <p className="text-lg font-semibold text-fg" data-testid="criteria-headline">
            {passing} of {data.criteria.length} criteria pass{filterName ? ` on ${filterName}` : ""}
          </p>
          <p className="text-sm text-muted">
            {others.length || unlisted
              ? [...others.map(([st, n]) => `${n} ${st}`), ...(unlisted ? [`${unlisted} in another state`] : [])].join(", ") + "."
              : "Every criterion passes."}{" "}
            {ROLL_UP_RULE}
          </p>
          <CriteriaCost endpointIds={filter.endpointId ? [filter.endpointId] : data.endpoints.map((e) => e.id)} />
        </div>
      ) : null}
      <div className="flex flex-wrap items-end gap-3 print:hidden" role="toolbar" aria-label="Report">
        <label className="min-w-0 max-w-full text-xs font-medium text-muted">
          Endpoint
          <select
            className="mt-1 block h-8 w-full max-w-full rounded-md sm:w-auto border border-line-strong bg-surface px-2 text-sm text-fg"
            value={filter.endpointId ?? ""}
            onChange={(e) => router.push(criteriaUrls.page({ endpointId: e.target.value || undefined }))}
          >
            <option value="">All endpoints</option>
            {data.endpoints.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </label>
        <div className="ml-auto flex flex-wrap items-center gap-2">
          {isError ? <span className="text-xs text-amber-700 dark:text-amber-300">Showing the last good data (refresh failed)</span> : null}
          <Button size="md" variant="ghost" aria-pressed={allCards} onClick={() => setAllCards(!allCards)}>
            {allCards ? "Hide all details" : "Show all details"}
          </Button>
          {canEvaluate ? (
            <Button size="md" onClick={() => evaluate.mutate()} disabled={evaluate.isPending}>
              {evaluate.isPending ? "Evaluating…" : "Evaluate now"}
            </Button>
          ) : null}
          <a className={buttonClasses({})} href={criteriaUrls.report(filter)} download>
            Markdown export
          </a>
          <Button variant="primary" onClick={() => window.print()}>
            Print report
          </Button>
        </div>
      </div>
      {evaluate.isError ? (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {evaluate.error.message}
        </p>
      ) : null}

      <p className="hidden text-xs text-muted print:block">
        sweepwatch success criteria{filterName ? ` for ${filterName}` : ""}, printed {formatUtcTime(data.generatedAt, "minute")}.
      </p>

      {data.criteria.length === 0 ? (
        <Card>
          <EmptyState icon={<CheckCircleIcon size={20} />} title="No success criteria yet">
            <p>
              The status report&apos;s criteria are added when the poller first runs (<code>npm start</code>), then checked every minute against
              what it records.
            </p>
            <p>Nothing after a minute? Check that the poller runs: the data age in the header shows its last tick.</p>
          </EmptyState>
        </Card>
      ) : (
        <>
          <Card as="section" aria-labelledby="criteria-summary" className="print:shadow-none">
            <h2 id="criteria-summary" className="sr-only">
              Summary
            </h2>
            <dl className="grid grid-cols-1 divide-y divide-line sm:grid-cols-3 sm:divide-x sm:divide-y-0">
              {totals.map((t) => (
                <div key={t.horizon} className="px-4 py-3">
                  <dt className="text-xs font-medium text-muted">{HORIZON_LABEL[t.horizon]}</dt>
                  <dd className="mt-1.5 flex flex-wrap gap-1.5">
                    {t.total === 0 ? <span className="text-sm text-muted">none</span> : null}
                    {STATE_ORDER.filter((s) => t.counts[s] > 0).map((s) => (
                      <span key={s} className="inline-flex items-center gap-1">
                        <StateBadge state={s} />
                        <span className="text-sm font-medium text-fg">{t.counts[s]}</span>
                      </span>
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
            <p className="border-t border-line px-4 py-2 text-xs text-muted">
              Last evaluated {data.evaluatedAt ? formatUtcTime(data.evaluatedAt, "minute") : "never"} · trend bars: one per day over {data.days} days, the
              worst state of the day{isFetching ? " · refreshing…" : ""}
            </p>
          </Card>

          {HORIZON_ORDER.map((h) => {
            const list = data.criteria.filter((c) => c.horizon === h);
            if (!list.length) return null;
            return (
              <section key={h} aria-labelledby={`horizon-${h}`} className="space-y-3 print:space-y-1">
                <div className="flex items-baseline gap-2">
                  <h2 id={`horizon-${h}`} className="text-base font-semibold text-fg">
                    {HORIZON_LABEL[h]}
                  </h2>
                  <span className="text-xs text-muted">{HORIZON_HINT[h]}</span>
                </div>
                <ul className="divide-y divide-line rounded-lg border border-line bg-surface print:divide-y-0 print:border-0">
                  {list.map((c) => {
                    const open = allCards || openCards.has(c.id);
                    return (
                      <li key={c.id} data-state={c.state} className="print:break-inside-avoid">
                        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 print:hidden">
                          <StateBadge state={c.state} />
                          <span className="min-w-48 flex-1 text-sm font-medium text-fg">{c.title}</span>
                          <span className="text-xs text-muted">
                            {c.endpointId ? (names.get(c.endpointId) ?? c.endpointId) : "all endpoints"}
                            {formatSince(c.since, now) ? ` · since ${formatSince(c.since, now)}` : ""}
                          </span>
                          <Button size="sm" variant="ghost" aria-expanded={open} aria-controls={`criterion-card-${c.id}`} onClick={() => toggleCard(c.id)}>
                            {open ? "Hide details" : "Details"}
                            <span className="sr-only"> of {c.title}</span>
                          </Button>
                        </div>
                        <div id={`criterion-card-${c.id}`} className={open ? "px-3 pb-3 print:p-0" : "hidden print:block"}>
                          <CriterionCard
                            c={c}
                            filter={filter}
                            endpointName={c.endpointId ? (names.get(c.endpointId) ?? null) : null}
                            endpointNames={names}
                            now={now}
                            renderedAt={renderedAt}
                            canEdit={canEdit}
                            canAttest={canAttest}
                            trendDays={data.days}
                          />
                        </div>
                      </li>
                    );
                  })}
                </ul>
              </section>
            );
          })}
        </>
      )}
    </div>
  );
}
