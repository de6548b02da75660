"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { CardBody, CardSection } from "@/components/ui/card";
import { MaxWorkersStateDtoSchema, PurgeDtoSchema } from "@/lib/api/specs/damage";
import { crashGroupDiffQueryOptions, damageKeys, incidentCostQueryOptions, purgesQueryOptions } from "@/lib/damage/client/queries";
import { sendJson } from "@/lib/queries/send-json";
import { formatUtcTime } from "@/lib/format/time";

const PausedSchema = z.object({ endpointId: z.string(), paused: z.array(z.object({ id: z.string(), name: z.string(), from: z.string(), keptQueued: z.number(), cancelledQueued: z.number() })) });

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;
const show = (v: unknown) => (v === null || v === undefined ? "unknown" : typeof v === "string" ? v : JSON.stringify(v));

/** Cost of failure, what changed, and the stop-the-burn actions of one incident. */
export function DamagePanel({ incidentId, endpointId }: { incidentId: string; endpointId: string }) {
  const cost = useQuery(incidentCostQueryOptions(incidentId));
  const groupId = cost.data?.crashGroupId ?? null;
  const diff = useQuery({ ...crashGroupDiffQueryOptions(groupId ?? "0"), enabled: groupId !== null });
  return (
    // Long image names, job ids and settings keys wrap or scroll inside this frame, never the page.
    <div className="min-w-0 max-w-full space-y-6 overflow-x-auto [overflow-wrap:anywhere]">
      <CardSection id="cost-h" title="Cost of failure (estimate)">
        <CardBody>
          {cost.isError ? <p role="alert">Cost unavailable: {cost.error.message}</p> : null}
          {cost.data ? (
            <div className="space-y-1 text-sm">
              <p>
                <span aria-label="wasted GPU-seconds" className="font-mono">{cost.data.wastedGpuSeconds.toFixed(0)} GPU-s</span> wasted, about{" "}
                <span aria-label="estimated cost" className="font-mono">{usd(cost.data.estimatedUsd)}</span>{" "}
                {cost.data.running ? "so far (still growing while the incident is open)" : `in total (stopped at ${formatUtcTime(cost.data.windowEnd)})`}
              </p>
              <p className="text-xs text-muted">
                Workers that crashed or never took a job since {formatUtcTime(cost.data.windowStart)}. Estimate from {cost.data.pricesOrigin === "default" ? "the default" : "the admin-edited"} price table ({cost.data.estimate.source}, as of {cost.data.estimate.asOf}, flex tier)
                {cost.data.unpricedGpuSeconds > 0 ? `; ${cost.data.unpricedGpuSeconds.toFixed(0)} GPU-s have no price` : ""}. Worker evidence from {cost.data.evidenceAt ? formatUtcTime(cost.data.evidenceAt) : "no poll yet (unknown)"}.
              </p>
            </div>
          ) : null}
        </CardBody>
      </CardSection>

      <CardSection id="diff-h" title="What changed">
        <CardBody>
          {groupId === null ? <p className="text-sm text-muted">Unknown: this incident has no crash group.</p> : null}
          {diff.data ? (
            <div className="space-y-2 text-sm">
              {diff.data.introducedBy ? (
                <p>
                  Endpoint settings changed at {formatUtcTime(diff.data.introducedBy.at)} ({diff.data.introducedBy.fields.join(", ")}) by {diff.data.introducedBy.changedBy ?? "unknown (RunPod does not say)"}.
                </p>
              ) : null}
              <div className="relative max-w-full overflow-x-auto">
              <table aria-label="Last good vs first crashed worker" className="w-full text-left text-xs">
                <thead>
                  <tr>
                    <th scope="col">field</th>
                    <th scope="col">last worker that completed a job</th>
                    <th scope="col">first worker that crashed</th>
                  </tr>
                </thead>
                <tbody>
                  {(["workerId", "at", "image", "endpointVersion", "gpuTypeId", "dataCenterId", "cudaVersion", "startupSeconds"] as const).map((f) => {
                    const a = diff.data.lastGood?.[f] ?? null;
                    const b = diff.data.firstCrashed?.[f] ?? null;
                    return (
                      <tr key={f} className={a !== b && f !== "workerId" && f !== "at" ? "font-semibold" : undefined}>
                        <th scope="row">{f}</th>
                        <td className="font-mono break-all">{show(a)}</td>
                        <td className="font-mono break-all">{show(b)}</td>
                      </tr>
                    );
                  })}
                  {diff.data.changed
                    .filter((c) => c.field.startsWith("settings."))
                    .map((c) => (
                      <tr key={c.field} className="font-semibold">
                        <th scope="row">{c.field}</th>
                        <td className="font-mono break-all">{show(c.lastGood)}</td>
                        <td className="font-mono break-all">{show(c.firstCrashed)}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
              </div>
              {diff.data.missing.length ? <p className="text-xs text-muted">Missing: {diff.data.missing.join("; ")}.</p> : null}
            </div>
          ) : null}
        </CardBody>
      </CardSection>

      <StopTheBurn incidentId={incidentId} endpointId={endpointId} />
    </div>
  );
}

function StopTheBurn({ incidentId, endpointId }: { incidentId: string; endpointId: string }) {
  const qc = useQueryClient();
  const [queued, setQueued] = useState<"keep" | "cancel">("keep");
  const [confirming, setConfirming] = useState<null | "pause" | "purge" | "zero" | "restore">(null);
  const [message, setMessage] = useState<string | null>(null);
  const purges = useQuery(purgesQueryOptions(endpointId));
  const ep = encodeURIComponent(endpointId);
  const act = useMutation({
    mutationFn: async (what: "pause" | "purge" | "zero" | "restore"): Promise<string> => {
      if (what === "pause") {
        const r = await sendJson("POST", `/api/endpoints/${ep}/pause-sweeps`, { queuedTrials: queued, incidentId }, PausedSchema);
        return r.paused.length ? `Paused ${r.paused.map((s) => s.name).join(", ")}.` : "No running sweep targets this endpoint.";
      }
      if (what === "purge") {
        const r = await sendJson("POST", `/api/endpoints/${ep}/purge-queue`, { incidentId }, PurgeDtoSchema);
        return `RunPod removed ${r.removed ?? 0} queued jobs; ${r.jobs.length} kept for resubmission.`;
      }
      const r = await sendJson("POST", `/api/endpoints/${ep}/max-workers`, { action: what, incidentId }, MaxWorkersStateDtoSchema);
      return what === "zero" ? `Max workers set to 0 (was ${r.previousMax}).` : "Max workers restored.";
    },
    onSuccess: (m) => {
      setMessage(m);
      setConfirming(null);
      void qc.invalidateQueries({ queryKey: damageKeys.purges(endpointId) });
    },
    onError: (e) => setMessage(e instanceof Error ? e.message : String(e)),
  });
  const resubmit = useMutation({
    mutationFn: (purgeId: string) => sendJson("POST", `/api/purges/${encodeURIComponent(purgeId)}/resubmit`, undefined, PurgeDtoSchema),
    onSuccess: (r) => {
      setMessage(`Resubmitted ${r.jobs.filter((j) => j.state === "resubmitted").length} of ${r.jobs.length} purged jobs.`);
      void qc.invalidateQueries({ queryKey: damageKeys.purges(endpointId) });
    },
    onError: (e) => setMessage(e instanceof Error ? e.message : String(e)),
  });
  const WHAT: Record<"pause" | "purge" | "zero" | "restore", string> = {
    pause: `Pause every pending or running sweep on ${endpointId}: no new trials start; queued trials are ${queued === "keep" ? "kept in RunPod's queue (nothing is sent to RunPod)" : "cancelled on RunPod, one cancel per queued trial"}.`,
    purge: `Record the ids and inputs of the IN_QUEUE jobs sweepwatch tracks on ${endpointId}, then ask RunPod once to purge its queue. Running jobs go on. Jobs queued by others are removed too and cannot be resubmitted.`,
    zero: `Read ${endpointId}'s current max workers from RunPod, then send one PATCH setting it to 0. No worker will start until you restore it.`,
    restore: `Send one PATCH setting ${endpointId}'s max workers back to the value saved when it was set to 0.`,
  };
  const pendingPurge = purges.data?.purges.find((p) => p.resubmitRequestedAt === null && p.jobs.length > 0 && p.removed !== null);
  return (
    <CardSection id="burn-h" title="Stop the burn">
      <CardBody>
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <label className="flex items-center gap-1">
            Queued trials
            <select aria-label="Queued trials" value={queued} onChange={(e) => setQueued(e.target.value as "keep" | "cancel")} className="rounded border border-line px-1">
              <option value="keep">keep</option>
              <option value="cancel">cancel</option>
            </select>
          </label>
          <Button onClick={() => setConfirming("pause")}>Pause sweeps…</Button>
          <Button onClick={() => setConfirming("purge")}>Purge queue…</Button>
          <Button onClick={() => setConfirming("zero")}>Set max workers to 0…</Button>
          <Button onClick={() => setConfirming("restore")}>Restore max workers…</Button>
          {pendingPurge ? (
            <Button onClick={() => resubmit.mutate(pendingPurge.id)} disabled={resubmit.isPending}>
              Resubmit the {pendingPurge.jobs.length} purged jobs
            </Button>
          ) : null}
        </div>
        {confirming ? (
          <div role="group" aria-label="Confirm action" className="mt-2 space-y-2 rounded-md border border-line-strong p-2 text-sm">
            <p>{WHAT[confirming]} This is recorded in the audit log.</p>
            <div className="flex flex-wrap gap-2">
              <Button onClick={() => act.mutate(confirming)} disabled={act.isPending}>
                Confirm
              </Button>
              <Button onClick={() => setConfirming(null)}>Cancel</Button>
            </div>
          </div>
        ) : null}
        {message ? (
          <p role="status" className="mt-2 text-sm">
            {message}
          </p>
        ) : null}
      </CardBody>
    </CardSection>
  );
}
