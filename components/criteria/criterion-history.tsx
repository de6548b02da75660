"use client";

import { useQuery } from "@tanstack/react-query";
import { Skeleton } from "@/components/ui/skeleton";
import { collapseHistory } from "@/lib/charts/criteria";
import { criterionQueryOptions, type CriteriaFilter } from "@/lib/criteria/client/queries";
import { formatUtcTime } from "@/lib/format/time";
import { StateBadge } from "./state-badge";

/** State periods of one criterion, newest first (fetched when the panel opens), plus its attestations. */
export function CriterionHistory({ id, filter }: { id: string; filter: CriteriaFilter }) {
  const { data, isError, error } = useQuery(criterionQueryOptions(id, filter));
  if (isError) return <p className="text-xs text-red-600 dark:text-red-400">Could not load the history: {error.message}</p>;
  if (!data)
    return (
      <div aria-busy="true" className="space-y-2">
        <Skeleton className="h-4 w-2/3" />
        <Skeleton className="h-4 w-1/2" />
      </div>
    );
  const periods = collapseHistory(data.history);
  return (
    <div className="space-y-3">
      {periods.length === 0 ? (
        <p className="text-xs text-muted">Not evaluated yet. The poller evaluates every criterion once a minute.</p>
      ) : (
        <ol className="space-y-2">
          {periods.slice(0, 20).map((p) => (
            <li key={`${p.state}-${p.to}`} className="flex flex-wrap items-start gap-x-3 gap-y-1 text-xs">
              <StateBadge state={p.state} />
              <span className="text-faint">
                {formatUtcTime(p.from, "minute")}
                {p.from !== p.to ? ` → ${formatUtcTime(p.to, "minute")}` : ""}
              </span>
              <span className="basis-full text-muted">{p.summary}</span>
            </li>
          ))}
        </ol>
      )}
      {data.attestations.length ? (
        <div>
          <h4 className="text-xs font-semibold text-fg">Attestations</h4>
          <ul className="mt-1 space-y-1 text-xs text-muted">
            {data.attestations.map((a) => (
              <li key={a.id}>
                {a.by}, {formatUtcTime(a.at, "minute")}
                {a.link ? (
                  <>
                    {" · "}
                    <a className="text-accent hover:underline" href={a.link} target="_blank" rel="noopener noreferrer">
                      {a.link}
                    </a>
                  </>
                ) : null}
                {a.note ? ` · ${a.note}` : ""}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
