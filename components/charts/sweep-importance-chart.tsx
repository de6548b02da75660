"use client";

import { Bar, BarChart, CartesianGrid, LabelList, Tooltip, XAxis, YAxis } from "recharts";
import type { ImportanceBar } from "@/lib/charts/sweeps";
import { IMPORTANCE_METHOD } from "@/lib/charts/importance";
import { AXIS_TICK, GRID_STROKE, SweepChartEmpty, TOOLTIP_STYLE } from "./sweep-chart-frame";

/** Parameter importance: permutation importance on a random forest fitted to the completed trials. */
export function SweepImportanceChart({ bars, sampled }: { bars: ImportanceBar[]; sampled: number }) {
  if (bars.length === 0 || sampled < 3 || bars.every((b) => b.percent === 0)) {
    return <SweepChartEmpty height={160}>Importance needs a few completed trials with different parameter values.</SweepChartEmpty>;
  }
  const height = Math.max(120, bars.length * 28 + 30);
  return (
    <figure aria-label="Parameter importance">
      <BarChart responsive layout="vertical" data={bars} style={{ width: "100%", height }} margin={{ top: 4, right: 48, bottom: 4, left: 8 }}>
        <CartesianGrid stroke={GRID_STROKE} horizontal={false} strokeDasharray="3 3" />
        <XAxis type="number" domain={[0, 100]} tick={AXIS_TICK} tickLine={false} unit="%" />
        <YAxis type="category" dataKey="param" tick={{ ...AXIS_TICK, fontFamily: "var(--font-mono)" }} tickLine={false} width={120} />
        <Tooltip
          isAnimationActive={false}
          formatter={(v, _n, item) => {
            const c = (item?.payload as ImportanceBar | undefined)?.correlation;
            return [`${v}%${c !== null && c !== undefined ? ` (rank correlation ${c.toFixed(2)})` : ""}`, "importance"];
          }}
          contentStyle={TOOLTIP_STYLE}
        />
        <Bar dataKey="percent" fill="var(--sw-accent)" radius={[0, 3, 3, 0]} isAnimationActive={false}>
          <LabelList dataKey="label" position="right" fill="var(--sw-muted)" fontSize={11} />
        </Bar>
      </BarChart>
      <figcaption className="mt-1 text-xs text-muted">
        Method: {IMPORTANCE_METHOD}, over {sampled.toLocaleString("en-US")} completed trials. A bar is the share of the forest&apos;s error increase
        when that parameter&apos;s values are shuffled; the tooltip gives the rank correlation with the metric.
      </figcaption>
    </figure>
  );
}
