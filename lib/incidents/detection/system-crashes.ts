import type { PrismaClient } from "@/lib/generated/prisma/client";
import { fingerprint, signatureForExitCode } from "@/lib/domain/crash";
import { findSystemCrashes } from "@/lib/domain/crash/system-lines";
import { deploymentOf } from "@/lib/domain/criteria/deployment";
import type { DetectionConfig } from "@/lib/incidents/detection/config";
import { storedFingerprint, writeCrashEvents, type EvidenceLine } from "@/lib/incidents/detection/crashes";
import { EXIT_CODE, EXTRA_SIGNATURE_TITLES, signatureTitle, UNKNOWN_RESTART } from "@/lib/domain/crash/signatures";

/**
 * Crash loops visible from RunPod's system lines alone: a container that dies before its handler prints
 * leaves only "start container" / "container exited with code N" / "restarting container" lines, which
 * the classifier reads as at most one crash (it has no notion of a new container run). Each run that
 * ended badly (lib/domain/crash/system-lines.ts) becomes a crash event keyed by the line that ended it
 * ("sys:<logLineId>"), with the exit code when the line gives one, unless a crash event of that worker
 * already covers the run (the classifier's, a wrapper exit, another source): one crash is one crash.
 * Runs before recordUnexplainedExitsAndRestarts so that the restarts these explain are not counted again.
 */

type PlannedEvent = Parameters<typeof writeCrashEvents>[1][number];

const CURSOR_KEY = (endpointId: string) => `detection.syscursor.${endpointId}`.slice(0, 128);
/** System lines of the worker before the new ones, to find the start of the run they end. */
const CONTEXT_LINES = 20;
const MAX_EVIDENCE_TEXT = 2_000;

export async function recordSystemLineCrashes(prisma: PrismaClient, endpointId: string, cfg: DetectionConfig): Promise<PlannedEvent[]> {
  const row = await prisma.appSetting.findUnique({ where: { key: CURSOR_KEY(endpointId) }, select: { value: true } });
  const saved = (row?.value as { logLineId?: string } | null)?.logLineId;
  const cursor = saved && /^\d+$/.test(saved) ? BigInt(saved) : 0n;
  const fresh = await prisma.logLine.findMany({
    where: { endpointId, source: "system", id: { gt: cursor }, workerId: { not: null } },
    orderBy: { id: "asc" },
    take: cfg.maxLinesPerPass,
    select: { id: true, workerId: true },
  });
  if (!fresh.length) return [];
  const high = fresh[fresh.length - 1].id;
  const firstNew = new Map<string, bigint>();
  for (const f of fresh) if (!firstNew.has(f.workerId!)) firstNew.set(f.workerId!, f.id);
  const workers = await prisma.worker.findMany({ where: { endpointId, id: { in: [...firstNew.keys()] } }, select: { id: true, image: true, version: true } });
  const byId = new Map(workers.map((w) => [w.id, w]));
  const planned: PlannedEvent[] = [];

  for (const [workerId, from] of firstNew) {
    const context = await prisma.logLine.findMany({
      where: { endpointId, workerId, source: "system", id: { lt: from } },
      orderBy: { id: "desc" },
      take: CONTEXT_LINES,
      select: { id: true },
    });
    const lowest = context.length ? context[context.length - 1].id : from;
    const lines = await prisma.logLine.findMany({
      where: { endpointId, workerId, id: { gte: lowest, lte: high } },
      orderBy: { id: "asc" },
      take: cfg.maxLinesPerPass,
      select: { id: true, ts: true, text: true, source: true },
    });
    const w = byId.get(workerId);
    for (const c of findSystemCrashes(lines)) {
      if (c.end.id <= cursor) continue; // decided in an earlier pass
      // another crash event of this run: from its start (system lines carry whole seconds) to a little after its end.
      // Events of this kind are one per run already, so they never cover one another (a fast loop keeps every crash)
      const startAt = c.start ? c.start.ts.getTime() - 1_000 : c.end.ts.getTime() - cfg.duplicateToleranceMs;
      const endAt = c.end.ts.getTime() + cfg.duplicateToleranceMs;
      const covered = await prisma.crashEvent.findFirst({
        where: { endpointId, workerId, at: { gte: new Date(startAt), lte: new Date(endAt) }, NOT: { dedupeKey: { startsWith: "sys:" } } },
        select: { id: true },
      });
      if (covered) continue;
      const code = c.exitCode;
      const known = code !== null ? signatureForExitCode(code) : null;
      const signature = known ?? (code !== null ? EXIT_CODE : UNKNOWN_RESTART);
      // the classifier's fingerprint for an exit line, so both land in one group
      const fp = known ? fingerprint({ signature: known, message: `exit status ${code}`, text: c.end.text }) : code !== null ? `${EXIT_CODE}:exit code ${code}` : `${UNKNOWN_RESTART}:restart`;
      const run = lines.filter((l) => l.id >= (c.start ?? c.end).id && l.id <= c.end.id);
      const evidence: EvidenceLine[] = run.slice(-12).map((l) => ({ logLineId: l.id.toString(), ts: l.ts.toISOString(), text: l.text.slice(0, MAX_EVIDENCE_TEXT), match: l.id === c.end.id }));
      planned.push({
        dedupeKey: `sys:${c.end.id}`,
        endpointId,
        workerId,
        image: w?.image ?? null,
        deployment: w ? (deploymentOf(w)?.key ?? null) : null,
        at: c.end.ts,
        signature,
        fingerprint: storedFingerprint(fp),
        title: code !== null ? `${signatureTitle(signature)} (exit code ${code})` : EXTRA_SIGNATURE_TITLES[UNKNOWN_RESTART],
        exitCode: code,
        source: "log",
        evidence,
        logLineId: c.end.id,
      });
    }
  }
  await writeCrashEvents(prisma, planned);
  const value = { logLineId: high.toString() };
  await prisma.appSetting.upsert({ where: { key: CURSOR_KEY(endpointId) }, create: { key: CURSOR_KEY(endpointId), value }, update: { value } });
  return planned;
}
