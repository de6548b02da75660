"use client";

import { useMemo } from "react";
import { expandSearchSpace, type SweepConfig } from "@/lib/domain/sweep";
import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { formatParam } from "./format";

const SHOW_COMBINATIONS = 12;

/** What the sweep will explore: every parameter's domain, the grid size and, for small grids, the first combinations. */
export function SearchSpacePreview({ config }: { config: SweepConfig }) {
  const space = useMemo(() => expandSearchSpace(config), [config]);
  const first = useMemo(() => {
    if (!space.combinations || space.gridSize === null || space.gridSize === 0) return [];
    const out: Record<string, unknown>[] = [];
    for (const c of space.combinations) {
      out.push(c);
      if (out.length >= SHOW_COMBINATIONS) break;
    }
    return out;
  }, [space]);
  const runCap = config.run_cap ?? null;
  const trials =
    config.method === "grid" ? (space.gridSize === null ? null : runCap !== null ? Math.min(runCap, space.gridSize) : space.gridSize) : runCap;

  return (
    <section aria-labelledby="search-space-heading" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id="search-space-heading" className="text-sm font-semibold">
          Search space
        </h3>
        <p className="text-xs text-muted" data-testid="grid-size">
          Grid size:{" "}
          <strong className="font-mono text-fg">{space.gridSize === null ? "∞ (continuous parameters)" : space.gridSize.toLocaleString("en-US")}</strong>
          {" · "}
          Trials: <strong className="font-mono text-fg">{trials === null ? "open-ended (no run_cap)" : trials.toLocaleString("en-US")}</strong>
        </p>
      </div>
      {config.method === "grid" && space.gridSize === null ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          Grid search needs every parameter to be discrete (values, int_uniform or q_uniform).
        </p>
      ) : null}
      {config.method !== "grid" && runCap === null ? (
        <p className="text-xs text-amber-700 dark:text-amber-300">Without run_cap a {config.method} sweep runs until you stop it or it reaches the metric target.</p>
      ) : null}
      {space.parameters.length === 0 ? (
        <p className="text-sm text-muted">No parameters yet.</p>
      ) : (
        <DataTable divided="rows" compact caption="Parameters of the search space" columns={["Parameter", "Kind", "Domain", { label: "Values", align: "right", pad: "py-1" }]}>
          {space.parameters.map((p) => (
            <tr key={p.path}>
              <td className="py-1.5 pr-3 font-mono text-xs">{p.path}</td>
              <td className="py-1.5 pr-3">
                <Badge tone={p.kind === "continuous" ? "info" : p.kind === "constant" ? "neutral" : "accent"}>{p.kind}</Badge>
              </td>
              <td className="py-1.5 pr-3 text-xs text-muted">{p.description}</td>
              <td className="py-1.5 text-right font-mono text-xs tabular-nums">{p.count === null ? "∞" : p.count}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {first.length > 0 ? (
        <details className="text-xs">
          <summary className="cursor-pointer text-muted hover:text-fg">
            {config.method === "grid" ? "Grid order" : "Combinations"}: first {first.length} of {space.gridSize?.toLocaleString("en-US")}
          </summary>
          <ol className="mt-2 space-y-0.5 font-mono text-muted">
            {first.map((c, i) => (
              <li key={i}>
                {i + 1}. {formatParam(c)}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}
