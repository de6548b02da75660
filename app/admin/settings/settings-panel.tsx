"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { CardBody, CardSection } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { DetectionSettingsDtoSchema, type DetectionSettingsDto } from "@/lib/api/specs/incidents";
import { GpuPricesDtoSchema } from "@/lib/api/specs/damage";
import type { GpuPriceTable } from "@/lib/domain/cost/gpu-prices";
import { sendJson } from "@/lib/queries/send-json";
import { ErrorText, formatTime, TextInput, useAction } from "../_components/form";

/** What each detection threshold means (docs/detection.md, "Configuration"). */
const MEANING: Record<string, string> = {
  windowMs: "crash-loop window (ms)",
  minCrashes: "crashes of one fingerprint in the window that make a crash loop",
  minWorkers: "distinct workers among them",
  maxBackoffGapMs: "longest gap between two crashes of one back-off chain (ms)",
  staleMs: "health older than this is “no data” (ms)",
  suspectAfterMs: "queue age before “crash loop, cause unknown” (ms)",
  minRestarts: "restarts of one worker in the window for “cause unknown”",
  coldStartMaxMs: "oldest job still called cold start (ms)",
  quietMs: "ready workers this long after the last crash resolve an incident (ms)",
  recoveredQuietMs: "… or this long after the last crash when a job completed after it (ms)",
  explainGraceMs: "wait for logs before turning an exit/restart into a crash event (ms)",
  duplicateToleranceMs: "copies of a line from different sources within this are one line (ms)",
  lookbackLines: "context lines re-read before the cursor",
  maxLinesPerPass: "new log lines per endpoint per pass",
  alertQueueAgeMs: "alert when the oldest queued job waits longer (ms; 0 disables)",
  alertQueueGrowth: "alert when the queue grew by this many with no completion (0 disables)",
  alertQueueGrowthWindowMs: "… within this window (ms)",
  alertRateDropPct: "alert when completions fall below this % of the 24 h baseline (0 disables)",
  alertRateWindowMs: "… measured over this window (ms)",
  alertRateMinBaseline: "… only with a baseline of at least this many per window",
};

export function SettingsPanel({ detection, prices }: { detection: DetectionSettingsDto; prices: { table: GpuPriceTable; origin: "default" | "edited"; updatedAt: string | null } }) {
  return (
    <div className="flex flex-col gap-6">
      <DetectionForm initial={detection} />
      <PricesForm initial={prices} />
    </div>
  );
}

function DetectionForm({ initial }: { initial: DetectionSettingsDto }) {
  const { run, error, pending } = useAction();
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(Object.entries(initial.values).map(([k, v]) => [k, String(v)])));
  const [saved, setSaved] = useState<string | null>(null);
  const keys = Object.keys(initial.defaults);
  const overridden = new Set(initial.overridden);

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    const changes: Record<string, number | null> = {};
    for (const k of keys) {
      const text = (values[k] ?? "").trim();
      const n = text === "" ? null : Number(text);
      if (n !== null && !Number.isFinite(n)) return setSaved(`${k} must be a number (or empty for the default).`);
      if (n === null ? overridden.has(k) : n !== initial.values[k]) changes[k] = n;
    }
    if (!Object.keys(changes).length) return setSaved("Nothing changed.");
    const out = await run(() => sendJson("PUT", "/api/incidents/settings", changes, DetectionSettingsDtoSchema));
    if (out) {
      setValues(Object.fromEntries(Object.entries(out.values).map(([k, v]) => [k, String(v)])));
      setSaved(`Saved ${Object.keys(changes).length} change${Object.keys(changes).length === 1 ? "" : "s"}; the poller uses them from its next pass.`);
    }
  }

  return (
    <CardSection id="detection-h" title="Detection thresholds" description="The crash-loop rule and the classifier-free alerts. Empty resets a value to its default. Every change is audited.">
      <CardBody>
        <form onSubmit={save} className="space-y-3">
          <DataTable compact columns={["Setting", "Value", "Default"]}>
            {keys.map((k) => (
              <tr key={k} className="border-t border-line align-top">
                <td className="py-1.5 pr-3">
                  <label htmlFor={`det-${k}`} className="font-mono text-xs">
                    {k}
                  </label>{" "}
                  {overridden.has(k) ? <Badge tone="neutral">set</Badge> : null}
                  <div className="text-xs text-muted">{MEANING[k] ?? ""}</div>
                </td>
                <td className="py-1.5 pr-3">
                  <TextInput id={`det-${k}`} inputMode="decimal" className="w-32 font-mono" value={values[k] ?? ""} placeholder={String(initial.defaults[k])} onChange={(e) => setValues({ ...values, [k]: e.target.value })} />
                </td>
                <td className="py-1.5 pr-3 font-mono text-xs text-muted">{initial.defaults[k]}</td>
              </tr>
            ))}
          </DataTable>
          <ErrorText error={error} />
          {saved ? <p role="status" className="text-sm text-muted">{saved}</p> : null}
          <Button type="submit" variant="primary" disabled={pending}>
            {pending ? "Saving…" : "Save thresholds"}
          </Button>
        </form>
      </CardBody>
    </CardSection>
  );
}

function PricesForm({ initial }: { initial: { table: GpuPriceTable; origin: "default" | "edited"; updatedAt: string | null } }) {
  const { run, error, pending } = useAction();
  const [text, setText] = useState(() => JSON.stringify(initial.table, null, 2));
  const [local, setLocal] = useState<string | null>(null);

  async function save(e: FormEvent) {
    e.preventDefault();
    setLocal(null);
    let table: unknown;
    try {
      table = JSON.parse(text);
    } catch (err) {
      return setLocal(`The price table is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const out = await run(() => sendJson("PUT", "/api/admin/gpu-prices", table, GpuPricesDtoSchema));
    if (out) setLocal(`Saved: ${out.table.entries.length} GPU classes, as of ${out.table.asOf}. Cost estimates use it at once.`);
  }

  return (
    <CardSection
      id="prices-h"
      title="GPU prices (cost estimates)"
      description={
        initial.origin === "default"
          ? `The shipped default: ${initial.table.source}, as of ${initial.table.asOf}.`
          : `Edited ${formatTime(initial.updatedAt)}; source “${initial.table.source}”, as of ${initial.table.asOf}.`
      }
    >
      <CardBody>
        <form onSubmit={save} className="space-y-3">
          <label htmlFor="prices-json" className="block text-xs text-muted">
            Per-second USD prices per GPU class (<code>match</code>: substrings of RunPod&apos;s gpuTypeId; <code>flexPerSecond</code> is what crash waste is priced at). Keep <code>source</code> and <code>asOf</code> true.
          </label>
          <textarea id="prices-json" value={text} onChange={(e) => setText(e.target.value)} rows={16} spellCheck={false} className="block w-full rounded-md border border-line-strong bg-surface p-2 font-mono text-xs" />
          <ErrorText error={local && !local.startsWith("Saved") ? local : error} />
          {local?.startsWith("Saved") ? <p role="status" className="text-sm text-muted">{local}</p> : null}
          <Button type="submit" variant="primary" disabled={pending}>
            {pending ? "Saving…" : "Save prices"}
          </Button>
        </form>
      </CardBody>
    </CardSection>
  );
}
