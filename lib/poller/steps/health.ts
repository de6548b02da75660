import { RunpodError } from "@/lib/runpod/errors";
import type { Health } from "@/lib/runpod/schemas";
import { markEndpointMissing } from "@/lib/endpoints/repository";
import { recordHealthSnapshot } from "@/lib/endpoints/health";
import { backoffMs } from "@/lib/poller/schedule";
import { failChannel, recordError, type EndpointState, type PollerRuntime, type TickSummary } from "@/lib/poller/runtime";

/**
 * GET /health; null when it failed (recorded, the health channel backs off). A 404 marks the
 * endpoint missing (deleted or mistyped): its open jobs are left alone, not expired.
 */
export async function pollHealth(rt: PollerRuntime, endpointId: string, st: EndpointState, summary: TickSummary): Promise<Health | null> {
  const { clock, config, featureCtx } = rt;
  let h: Health;
  try {
    h = await rt.limit(() => rt.client.health(endpointId));
  } catch (err) {
    if (err instanceof RunpodError && err.kind === "not_found") {
      if (!st.missing) {
        st.missing = true;
        await markEndpointMissing({ endpointId, missing: true, at: rt.nowDate() }, featureCtx);
        await recordError(rt, { endpointId, operation: "health", error: err }, summary);
      }
      st.health.streak++;
      st.health.until = clock.now() + backoffMs(st.health.streak, config);
      return null;
    }
    await failChannel(rt, endpointId, st.health, "health", err, summary, false);
    return null;
  }
  st.health.streak = 0;
  const t = clock.now();
  if (st.missing) {
    st.missing = false;
    await markEndpointMissing({ endpointId, missing: false, at: new Date(t) }, featureCtx);
  }
  st.lastHealth = h;
  st.healthCheckedAt = t;
  if (st.healthAt === null || t - st.healthAt >= config.healthIntervalMs) {
    const wrote = await recordHealthSnapshot({ endpointId, takenAt: new Date(t), health: h, pollerId: rt.instanceId }, featureCtx);
    st.healthAt = t;
    if (wrote) summary.healthSnapshots++;
  }
  return h;
}
