import type { Ctx } from "@/lib/ctx";
import type { WorkerDto, WorkerListDto } from "@/lib/api/specs/endpoints";

// Repository of the workers list as the API and the endpoint page read it.

/**
 * Workers of one endpoint, current ones first (newest start first), then gone ones (most
 * recently gone first), at most `limit`. The last exit is the newest of: an "exit" event (worker
 * wrapper), the worker row's lastExitCode, and a crash event that carried an exit code (e.g. the
 * system log's "container exited with code 134").
 */
export async function listWorkers(input: { endpointId: string; limit?: number }, ctx: Ctx<unknown>): Promise<WorkerListDto> {
  const prisma = ctx.db;
  const now = ctx.now();
  const { endpointId } = input;
  const limit = Math.min(Math.max(input.limit ?? 200, 1), 1000);
  const rows = await prisma.worker.findMany({
    where: { endpointId },
    orderBy: [{ goneAt: { sort: "desc", nulls: "first" } }, { startedAt: { sort: "desc", nulls: "last" } }, { id: "asc" }],
    take: limit,
    select: {
      id: true,
      endpointId: true,
      status: true,
      startedAt: true,
      uptimeSeconds: true,
      image: true,
      version: true,
      restartCount: true,
      lastRestartAt: true,
      lastExitCode: true,
      lastExitAt: true,
      firstSeenAt: true,
      lastSeenAt: true,
      goneAt: true,
    },
  });
  const ids = rows.map((r) => r.id);
  const [exits, logCounts, crashExits] = ids.length
    ? await Promise.all([
        prisma.$queryRaw<{ workerId: string; at: Date; exitCode: number | null; signal: string | null }[]>`
          SELECT DISTINCT ON ("workerId") "workerId", at, "exitCode", signal
          FROM worker_events
          WHERE "endpointId" = ${endpointId} AND "workerId" = ANY(${ids}::text[]) AND kind = 'exit'
          ORDER BY "workerId", at DESC, id DESC`,
        // One index probe per worker; a count over millions of lines would not be.
        prisma.$queryRaw<{ id: string }[]>`
          SELECT w.id FROM unnest(${ids}::text[]) AS w(id)
          WHERE EXISTS (SELECT 1 FROM log_lines l WHERE l."endpointId" = ${endpointId} AND l."workerId" = w.id)`,
        prisma.$queryRaw<{ workerId: string; at: Date; exitCode: number }[]>`
          SELECT DISTINCT ON ("workerId") "workerId", at, "exitCode"
          FROM crash_events
          WHERE "endpointId" = ${endpointId} AND "workerId" = ANY(${ids}::text[]) AND "exitCode" IS NOT NULL
          ORDER BY "workerId", at DESC, id DESC`,
      ])
    : [[], [], []];
  const crashExitBy = new Map(crashExits.map((e) => [e.workerId, e]));
  const exitBy = new Map(exits.map((e) => [e.workerId, e]));
  const withLogs = new Set(logCounts.map((c) => c.id));
  const workers: WorkerDto[] = rows.map((w) => {
    const ev = exitBy.get(w.id);
    const crash = crashExitBy.get(w.id);
    const candidates = [
      ev ? { at: ev.at, exitCode: ev.exitCode, signal: ev.signal } : null,
      w.lastExitAt ? { at: w.lastExitAt, exitCode: w.lastExitCode, signal: null } : null,
      crash ? { at: crash.at, exitCode: crash.exitCode, signal: null } : null,
    ].filter((c): c is { at: Date; exitCode: number | null; signal: string | null } => c !== null);
    const exit = candidates.sort((a, b) => b.at.getTime() - a.at.getTime())[0] ?? null;
    return {
      id: w.id,
      endpointId: w.endpointId,
      status: w.status,
      startedAt: w.startedAt?.toISOString() ?? null,
      uptimeSeconds: w.uptimeSeconds,
      image: w.image,
      version: w.version,
      restartCount: w.restartCount,
      lastRestartAt: w.lastRestartAt?.toISOString() ?? null,
      lastExit: exit ? { at: exit.at.toISOString(), exitCode: exit.exitCode, signal: exit.signal } : null,
      firstSeenAt: w.firstSeenAt.toISOString(),
      lastSeenAt: w.lastSeenAt.toISOString(),
      goneAt: w.goneAt?.toISOString() ?? null,
      hasLogs: withLogs.has(w.id),
    };
  });
  return { endpointId, workers, generatedAt: now.toISOString() };
}
