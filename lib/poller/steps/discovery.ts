import { upsertDiscoveredEndpoints } from "@/lib/endpoints/service";
import { failChannel, type PollerRuntime, type TickSummary } from "@/lib/poller/runtime";

function gpuTypesOf(e: Record<string, unknown>): string[] | undefined {
  const gpu = e.gpu as { pools?: unknown } | undefined;
  const ids = e.gpuTypeIds;
  const list = Array.isArray(gpu?.pools) ? gpu.pools : Array.isArray(ids) ? ids : undefined;
  return list?.filter((x): x is string => typeof x === "string");
}

export async function discover(rt: PollerRuntime, summary: TickSummary) {
  const { clock, config, discovery } = rt;
  const now = clock.now();
  if (rt.lastDiscoveryAt !== null && now - rt.lastDiscoveryAt < config.discoveryIntervalMs) return;
  if (discovery.until > now || rt.mgmtUntil > now) return;
  if (!(await rt.budget.tryTake("routine"))) return;
  rt.lastDiscoveryAt = now;
  try {
    const list = await rt.limit(() => rt.client.listEndpoints());
    discovery.streak = 0;
    const filtered = config.endpointFilter ? list.filter((e) => config.endpointFilter!(e.id)) : list;
    const r = await upsertDiscoveredEndpoints(
      {
        endpoints: filtered.map((e) => ({
          id: e.id,
          name: e.name,
          type: e.type === "LOAD_BALANCER" ? "LOAD_BALANCER" : "QUEUE",
          image: e.image,
          workers: e.workers,
          gpuTypes: gpuTypesOf(e),
          raw: e,
        })),
      },
      rt.featureCtx,
    );
    summary.discovered = r.created;
  } catch (err) {
    await failChannel(rt, null, discovery, "listEndpoints", err, summary, true);
  }
}
