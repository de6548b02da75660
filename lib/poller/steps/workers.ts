import { recordWorkersList } from "@/lib/endpoints/repository";
import { upsertWorkers } from "@/lib/endpoints/workers";
import { failChannel, type EndpointState, type PollerRuntime, type TickSummary } from "@/lib/poller/runtime";

/** Polls the worker list; returns the workers whose logs should be read (after the job round). Never throws. */
export async function pollWorkers(rt: PollerRuntime, endpointId: string, st: EndpointState, summary: TickSummary): Promise<{ ids: string[]; fresh: Set<string> } | null> {
  let list;
  try {
    list = await rt.limit(() => rt.client.listWorkers(endpointId));
  } catch (err) {
    await failChannel(rt, endpointId, st.mgmt, "listWorkers", err, summary, true);
    return null;
  }
  st.mgmt.streak = 0;
  const at = rt.nowDate();
  st.workersAt = at.getTime();
  summary.workerPolls++;
  // The v2 endpoint object has no version; the workers list's endpointVersion is the config version.
  await recordWorkersList({ endpointId, version: list.endpointVersion, summary: list.summary, at }, rt.featureCtx);
  const res = await upsertWorkers(
    {
      endpointId,
      at,
      workers: list.workers.map((w) => ({
        id: w.id,
        status: w.status,
        startedAt: w.startedAt,
        uptimeSeconds: w.uptimeSeconds,
        image: w.image,
        version: w.version,
        isStale: w.isStale,
        raw: w,
      })),
    },
    rt.featureCtx,
  );
  summary.workerEvents += res.events.length;
  const fresh = new Set([...res.restarted, ...res.appeared]);
  const recentMs = 2 * rt.config.workersIntervalMs;
  const targets = res.current.filter(
    (w) =>
      fresh.has(w.id) ||
      w.status === "UNHEALTHY" ||
      w.status === "INITIALIZING" ||
      (w.startedAt !== null && at.getTime() - w.startedAt.getTime() < recentMs),
  );
  return targets.length ? { ids: targets.map((t) => t.id), fresh } : null;
}
