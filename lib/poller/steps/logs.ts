import { RunpodError } from "@/lib/runpod/errors";
import { storeLogLines } from "@/lib/logs/store";
import { saveWorkerLogCursor } from "@/lib/endpoints/workers";
import { nextLogCursor, resumeSince, toStoredLines } from "@/lib/poller/log-cursor";
import { failEndpoint, mgmtOpen, recordError, type EndpointState, type PollerRuntime, type TickSummary } from "@/lib/poller/runtime";

export async function readWorkerLogs(rt: PollerRuntime, endpointId: string, st: EndpointState, workerIds: string[], fresh: Set<string>, summary: TickSummary) {
  const { clock, config, featureCtx } = rt;
  const rows = await rt.prisma.worker.findMany({ where: { endpointId, id: { in: workerIds } }, select: { id: true, logCursor: true, logCursorAt: true } });
  const now = clock.now();
  const due = rows.filter((r) => fresh.has(r.id) || !r.logCursorAt || now - r.logCursorAt.getTime() >= config.logsIntervalMs);
  await Promise.all(
    due.map(async (w) => {
      if (!mgmtOpen(rt, st) || !(await rt.budget.tryTake("logs"))) return;
      const at = rt.nowDate();
      const since = resumeSince(w.logCursor);
      let result;
      try {
        result = await rt.logLimit(() =>
          rt.limit(() =>
            rt.client.workerLogs(endpointId, w.id, {
              ...(since ? { since } : { tail: 500 }),
              maxDurationMs: config.logReadMs,
              // RunPod answers only once it has a line: a quiet worker costs this wait, and is no error.
              // A first read (its creation lines at least are there) may take the whole read budget.
              connectTimeoutMs: since ? config.logHeadersMs : config.logReadMs,
              idleMs: config.logIdleMs,
              maxLines: config.logMaxLines,
            }),
          ),
        );
      } catch (err) {
        if (err instanceof RunpodError && err.kind === "not_found") return; // the worker went away meanwhile
        await failEndpoint(rt, endpointId, st, "workerLogs", err, summary);
        return;
      }
      summary.logReads++;
      if (result.lines.length) {
        const { inserted } = await storeLogLines({ lines: toStoredLines(endpointId, w.id, result.lines, at), receivedAt: at }, featureCtx);
        summary.logLines += inserted;
      }
      const cursor = nextLogCursor({ lines: result.lines, previous: w.logCursor, endedBy: result.endedBy, readStartedAt: at.getTime(), readEndedAt: clock.now() });
      await saveWorkerLogCursor({ endpointId, workerId: w.id, cursor, at }, featureCtx);
      if (result.error) await recordError(rt, { endpointId, operation: "workerLogs", error: result.error }, summary);
    }),
  );
}
