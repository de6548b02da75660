import { createHash } from "node:crypto";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { classifyLines, EXIT_CODE, EXTRA_SIGNATURE_TITLES, fingerprint, isClassifierSignature, lastErrorLine, signatureForExitCode, signatureRank, signatureTitle, unrecognisedFingerprint, UNKNOWN_RESTART, type Crash } from "@/lib/domain/crash";
import type { DetectionConfig } from "@/lib/incidents/detection/config";
import { deploymentOf } from "@/lib/domain/criteria/deployment";

/** CrashEvent.fingerprint / CrashGroup.fingerprint are varchar(128): long fingerprints keep a prefix plus a hash. */
export function storedFingerprint(fp: string): string {
  if (fp.length <= 128) return fp;
  return `${fp.slice(0, 110)}#${createHash("sha256").update(fp).digest("hex").slice(0, 16)}`;
}

export interface EvidenceLine {
  logLineId: string | null;
  ts: string | null;
  text: string;
  /** The line is one the classifier matched (terminate / what() / exit...). */
  match: boolean;
}

const CURSOR_KEY = (endpointId: string) => `detection.cursor.${endpointId}`.slice(0, 128);
const MAX_EVIDENCE_TEXT = 2_000;

interface Row {
  id: bigint;
  workerId: string | null;
  ts: Date;
  text: string;
  source?: string;
  stream?: string | null;
}

interface PlannedEvent {
  dedupeKey: string;
  endpointId: string;
  workerId: string | null;
  image: string | null;
  /** Deployment key (lib/domain/criteria/deployment.ts): the worker's endpoint config version, else its image. */
  deployment?: string | null;
  at: Date;
  signature: string;
  fingerprint: string;
  title: string;
  exitCode: number | null;
  source: "log" | "exit" | "restart";
  evidence: EvidenceLine[];
  logLineId: bigint | null;
  /** false: read from an uploaded log without times (evidence only, never a live verdict or count). */
  live?: boolean;
}

export async function readLogCursor(prisma: PrismaClient, endpointId: string): Promise<bigint> {
  const row = await prisma.appSetting.findUnique({ where: { key: CURSOR_KEY(endpointId) }, select: { value: true } });
  const v = (row?.value as { logLineId?: string } | null)?.logLineId;
  return v && /^\d+$/.test(v) ? BigInt(v) : 0n;
}

async function saveLogCursor(prisma: PrismaClient, endpointId: string, id: bigint) {
  const value = { logLineId: id.toString() };
  await prisma.appSetting.upsert({ where: { key: CURSOR_KEY(endpointId) }, create: { key: CURSOR_KEY(endpointId), value }, update: { value } });
}

function evidenceFor(crash: Crash, rows: Row[]): { lines: EvidenceLine[]; first: Row; last: Row } {
  const matched = new Set(crash.evidence.map((e) => e.line));
  const firstLine = Math.min(...matched);
  const lastLine = Math.max(...matched);
  const lines: EvidenceLine[] = [];
  // three lines before the crash, through two after its last matched line (the exit line usually)
  const from = Math.max(1, firstLine - 3, lastLine - 40);
  const to = Math.min(rows.length, lastLine + 2);
  for (let l = from; l <= to; l++) {
    const r = rows[l - 1];
    lines.push({ logLineId: r.id.toString(), ts: r.ts.toISOString(), text: r.text.slice(0, MAX_EVIDENCE_TEXT), match: matched.has(l) });
  }
  return { lines, first: rows[firstLine - 1], last: rows[lastLine - 1] };
}

// ───────────── one crash is one crash: copies of a line from ingest, RunPod's stream and an upload ─────────────

/** LogLine.stream of an uploaded line without a time of its own (lib/ingest/upload-times.ts). */
const UNDATED_STREAM = "undated";

/** Line text for matching copies: no ANSI colours, no leading time stamp or stream tag, collapsed spaces. */
export function normalizeForMatch(text: string): string {
  return text
    .replace(/\u001b\[[0-9;]*[A-Za-z]/g, "")
    .replace(/^\s*\[?\d{4}-\d{2}-\d{2}[T ][\d:.,]+(?:Z|[+-]\d{2}:?\d{2})?\]?:?\s*/, "")
    .replace(/^\s*(?:stdout|stderr)\s*[:|]\s*/i, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The rows of one worker without the copies of a line that another source already delivered (same
 * normalised text, times within toleranceMs; the first stored copy is kept), so the classifier sees one
 * abort once. Undated upload lines are never matched by time.
 */
export function dropCopies<R extends Row>(rows: R[], toleranceMs: number): R[] {
  const seen = new Map<string, R[]>();
  const out: R[] = [];
  for (const r of rows) {
    const key = normalizeForMatch(r.text);
    const dated = !(r.source === "upload" && r.stream === UNDATED_STREAM);
    const prev = seen.get(key) ?? [];
    if (key && dated && prev.some((p) => p.source !== r.source && Math.abs(p.ts.getTime() - r.ts.getTime()) <= toleranceMs)) continue;
    if (dated) seen.set(key, [...prev, r]);
    out.push(r);
  }
  return out;
}

/**
 * Drops planned log crashes that are copies of a crash already recorded (or planned) for the same worker:
 * same fingerprint, times within toleranceMs (e.g. the wrapper's copy classified in an earlier pass than
 * the stream's). A copy with more evidence does not make a second crash.
 */
async function dropCrashCopies(prisma: PrismaClient, endpointId: string, events: PlannedEvent[], toleranceMs: number): Promise<void> {
  if (!events.length) return;
  const times = events.map((e) => e.at.getTime());
  const existing = await prisma.crashEvent.findMany({
    where: {
      endpointId,
      source: "log",
      dedupeKey: { notIn: events.map((e) => e.dedupeKey) },
      at: { gte: new Date(Math.min(...times) - toleranceMs), lte: new Date(Math.max(...times) + toleranceMs) },
    },
    select: { workerId: true, fingerprint: true, at: true },
    take: 5_000,
  });
  const kept: { workerId: string | null; fingerprint: string; at: Date }[] = [...existing];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.live === false) continue; // undated upload: its time says nothing, so nothing is a copy by time
    const copy = kept.some((k) => k.workerId === e.workerId && k.fingerprint === e.fingerprint && Math.abs(k.at.getTime() - e.at.getTime()) <= toleranceMs);
    if (copy) {
      events.splice(i--, 1);
      continue;
    }
    kept.push(e);
  }
}

/**
 * Classifies an endpoint's log lines stored since the last pass (LogLine.id high-water mark kept in
 * AppSetting "detection.cursor.<endpointId>"), per worker, with a few earlier lines of the same worker
 * as context so that a crash split across two reads is one crash. Each crash becomes a CrashEvent keyed
 * by its first matched line (dedupeKey "log:<logLineId>"); a re-read that sees more of a crash upgrades
 * the event (e.g. abort → random_device once the what() line arrives). Returns the planned events.
 */
export async function classifyNewLogLines(prisma: PrismaClient, endpointId: string, cfg: DetectionConfig): Promise<{ events: PlannedEvent[]; lines: number }> {
  const cursor = await readLogCursor(prisma, endpointId);
  const fresh = await prisma.logLine.findMany({
    where: { endpointId, id: { gt: cursor } },
    orderBy: { id: "asc" },
    take: cfg.maxLinesPerPass,
    select: { id: true, workerId: true, ts: true, text: true, source: true, stream: true },
  });
  if (!fresh.length) return { events: [], lines: 0 };
  const byWorker = new Map<string | null, Row[]>();
  for (const r of fresh) {
    const list = byWorker.get(r.workerId);
    if (list) list.push(r);
    else byWorker.set(r.workerId, [r]);
  }
  const workerIds = [...byWorker.keys()].filter((w): w is string => w !== null);
  const workerRows = await prisma.worker.findMany({ where: { endpointId, id: { in: workerIds } }, select: { id: true, image: true, version: true } });
  const images = new Map(workerRows.map((w) => [w.id, w.image]));
  const deployments = new Map(workerRows.map((w) => [w.id, deploymentOf(w)?.key ?? null]));
  const events: PlannedEvent[] = [];
  for (const [workerId, rows] of byWorker) {
    const before = cfg.lookbackLines
      ? (
          await prisma.logLine.findMany({
            where: { endpointId, workerId, id: { lte: cursor } },
            orderBy: { id: "desc" },
            take: cfg.lookbackLines,
            select: { id: true, workerId: true, ts: true, text: true, source: true, stream: true },
          })
        ).reverse()
      : [];
    const all = dropCopies([...before, ...rows], cfg.duplicateToleranceMs);
    const crashes = classifyLines(all.map((r) => ({ text: r.text, ts: r.ts.toISOString() })));
    for (const c of crashes) {
      if (!c.evidence.length) continue;
      const ev = evidenceFor(c, all);
      if (ev.last.id <= cursor) continue; // seen completely in an earlier pass
      events.push({
        dedupeKey: `log:${ev.first.id}`,
        endpointId,
        workerId,
        image: workerId ? (images.get(workerId) ?? null) : null,
        deployment: workerId ? (deployments.get(workerId) ?? null) : null,
        at: ev.first.ts,
        signature: c.signature,
        fingerprint: storedFingerprint(fingerprint(c)),
        title: c.title,
        exitCode: c.exitCode ?? null,
        source: "log",
        evidence: ev.lines,
        logLineId: ev.first.id,
        live: !(ev.first.source === "upload" && ev.first.stream === UNDATED_STREAM),
      });
    }
  }
  await dropCrashCopies(prisma, endpointId, events, cfg.duplicateToleranceMs);
  await writeCrashEvents(prisma, events);
  await saveLogCursor(prisma, endpointId, fresh[fresh.length - 1].id);
  return { events, lines: fresh.length };
}

const SIGNAL_CODES: Record<string, number> = { SIGILL: 132, SIGABRT: 134, SIGKILL: 137, SIGSEGV: 139, ILL: 132, ABRT: 134, KILL: 137, SEGV: 139 };

/** Lines of a worker's output read back to find the last error line of an unrecognised crash. */
const UNRECOGNISED_LOOKBACK_LINES = 80;

/**
 * The unrecognised crash a worker's own output shows for an exit or restart no classified crash
 * explains: its last error line (lastErrorLine) in [from, to], masked, as fingerprint and title, with
 * the lines around it as evidence. null when the worker printed nothing in that span.
 */
async function unrecognisedFromLogs(
  prisma: PrismaClient,
  endpointId: string,
  workerId: string,
  from: Date,
  to: Date,
  /** A restart may have been a normal one: only an error line makes it a crash (an exit code already says it crashed). */
  errorOnly: boolean,
): Promise<Pick<PlannedEvent, "signature" | "fingerprint" | "title" | "evidence" | "logLineId"> | null> {
  const rows = (
    await prisma.logLine.findMany({
      where: { endpointId, workerId, ts: { gte: from, lte: to } },
      orderBy: { id: "desc" },
      take: UNRECOGNISED_LOOKBACK_LINES,
      select: { id: true, ts: true, text: true },
    })
  ).reverse();
  const hit = lastErrorLine(rows.map((r) => r.text), { errorOnly });
  if (!hit) return null;
  const evidence: EvidenceLine[] = rows
    .slice(Math.max(0, hit.index - 3), hit.index + 3)
    .map((r) => ({ logLineId: r.id.toString(), ts: r.ts.toISOString(), text: r.text.slice(0, MAX_EVIDENCE_TEXT), match: r === rows[hit.index] }));
  return {
    signature: "unrecognised",
    fingerprint: storedFingerprint(unrecognisedFingerprint(hit.masked)),
    title: hit.masked,
    evidence,
    logLineId: rows[hit.index].id,
  };
}

/**
 * Turns wrapper exits (WorkerEvent "exit") and restarts (WorkerEvent "restart") that no classified log
 * crash of the same worker explains into crash events, once `explainGraceMs` has passed (the logs may
 * still be on their way). An exit names its signature by its code (134 abort, 137 oom_killed, ...).
 * Otherwise (another non-zero code, or a restart) the worker's own output decides: its last error line,
 * masked, makes an "unrecognised" crash fingerprinted and titled by that line (so unknown crashes group,
 * open incidents and count toward crash_loop); a worker that printed nothing gives "exit_code" or
 * "unknown_restart". An explained exit lends its code to the log crash that lacks one.
 */
export async function recordUnexplainedExitsAndRestarts(prisma: PrismaClient, endpointId: string, now: Date, cfg: DetectionConfig): Promise<PlannedEvent[]> {
  const until = new Date(now.getTime() - cfg.explainGraceMs);
  const since = new Date(now.getTime() - Math.max(cfg.windowMs, 60 * 60_000));
  const wes = await prisma.workerEvent.findMany({
    where: { endpointId, kind: { in: ["exit", "restart"] }, at: { gte: since, lte: until } },
    orderBy: { at: "asc" },
    take: 2_000,
    select: { id: true, workerId: true, kind: true, exitCode: true, signal: true, image: true, version: true, detail: true, at: true },
  });
  if (!wes.length) return [];
  const keys = wes.map((e) => `${e.kind}:${e.id}`);
  const done = new Set((await prisma.crashEvent.findMany({ where: { dedupeKey: { in: keys } }, select: { dedupeKey: true } })).map((r) => r.dedupeKey));
  const todo = wes.filter((e) => !done.has(`${e.kind}:${e.id}`));
  if (!todo.length) return [];
  const crashes = await prisma.crashEvent.findMany({
    where: { endpointId, workerId: { in: [...new Set(todo.map((e) => e.workerId))] }, at: { gte: new Date(since.getTime() - 10 * 60_000) } },
    select: { id: true, workerId: true, at: true, source: true, exitCode: true },
  });
  const planned: PlannedEvent[] = [];
  const explainedExit = (workerId: string, at: number) =>
    crashes.find((c) => c.workerId === workerId && c.source === "log" && c.at.getTime() <= at + 5_000 && at - c.at.getTime() <= 2 * 60_000);
  for (const e of todo) {
    const at = e.at.getTime();
    const base = { dedupeKey: `${e.kind}:${e.id}`, endpointId, workerId: e.workerId, image: e.image, deployment: deploymentOf({ version: e.version, image: e.image })?.key ?? null };
    if (e.kind === "exit") {
      const code = e.exitCode ?? (e.signal ? SIGNAL_CODES[e.signal.toUpperCase()] : undefined) ?? null;
      if (code === 0 || code === null) continue;
      const log = explainedExit(e.workerId, at);
      if (log) {
        if (log.exitCode === null) await prisma.crashEvent.update({ where: { id: log.id }, data: { exitCode: code } });
        continue;
      }
      const sig = signatureForExitCode(code) ?? EXIT_CODE;
      const unrec = sig === EXIT_CODE ? await unrecognisedFromLogs(prisma, endpointId, e.workerId, new Date(at - 2 * 60_000), new Date(at + 5_000), false) : null;
      const wrapperLine = (match: boolean) => ({ logLineId: null, ts: e.at.toISOString(), text: `worker wrapper reported exit code ${code}${e.signal ? ` (${e.signal})` : ""}`, match });
      planned.push(
        unrec
          ? { ...base, at: e.at, ...unrec, exitCode: code, source: "exit", evidence: [...unrec.evidence, wrapperLine(false)] }
          : { ...base, at: e.at, signature: sig, fingerprint: `${sig}:exit code ${code}`, title: `${signatureTitle(sig)} (exit code ${code})`, exitCode: code, source: "exit", evidence: [wrapperLine(true)], logLineId: null },
      );
      crashes.push({ id: -1n, workerId: e.workerId, at: e.at, source: "exit", exitCode: code });
      continue;
    }
    const detail = (e.detail ?? {}) as { previousStartedAt?: string | null; startedAt?: string | null };
    const prevStart = detail.previousStartedAt ? Date.parse(detail.previousStartedAt) : NaN;
    const from = Number.isNaN(prevStart) ? at - cfg.windowMs : prevStart - 5_000;
    // a log line's time may run a little ahead of startedAt (5 s); an earlier restart's or exit's crash belongs to the run before
    const explained = crashes.some(
      (c) => c.workerId === e.workerId && c.at.getTime() <= at && c.at.getTime() >= (c.source === "log" || Number.isNaN(prevStart) ? from : prevStart),
    );
    if (explained) continue;
    const startedAt = detail.startedAt ? Date.parse(detail.startedAt) : NaN;
    // the previous run's output: from its start (or the window) to the restart
    const unrec = await unrecognisedFromLogs(prisma, endpointId, e.workerId, new Date(from), new Date(Number.isNaN(startedAt) ? at : Math.min(startedAt, at)), true);
    const restarted = `worker ${e.workerId} restarted (startedAt ${detail.previousStartedAt ?? "?"} → ${detail.startedAt ?? "?"})`;
    if (unrec) {
      const last = unrec.evidence.find((l) => l.match);
      planned.push({
        ...base,
        // the crash happened when the worker printed its last error, before the restart was seen
        at: last?.ts ? new Date(last.ts) : e.at,
        ...unrec,
        exitCode: null,
        source: "restart",
        evidence: [...unrec.evidence, { logLineId: null, ts: e.at.toISOString(), text: restarted, match: false }],
      });
      continue;
    }
    planned.push({
      ...base,
      at: Number.isNaN(startedAt) ? e.at : new Date(Math.min(startedAt, at)),
      signature: UNKNOWN_RESTART,
      fingerprint: `${UNKNOWN_RESTART}:restart`,
      title: EXTRA_SIGNATURE_TITLES[UNKNOWN_RESTART],
      exitCode: null,
      source: "restart",
      evidence: [{ logLineId: null, ts: e.at.toISOString(), text: `${restarted} and no crash log explains it`, match: true }],
      logLineId: null,
    });
  }
  await writeCrashEvents(prisma, planned);
  return planned;
}

/**
 * Inserts crash events once (dedupeKey), attaches them to their group (endpoint + fingerprint) and
 * recomputes the groups' first/last seen, count, workers and images from their events, so reprocessing
 * never double-counts.
 */
export async function writeCrashEvents(prisma: PrismaClient, events: PlannedEvent[]): Promise<void> {
  if (!events.length) return;
  const existing = new Map(
    (
      await prisma.crashEvent.findMany({
        where: { dedupeKey: { in: events.map((e) => e.dedupeKey) } },
        select: { id: true, dedupeKey: true, signature: true, fingerprint: true, groupId: true, evidence: true },
      })
    ).map((r) => [r.dedupeKey, r]),
  );
  const touched = new Set<bigint>();
  const groupIds = new Map<string, bigint>();
  const groupFor = async (e: PlannedEvent) => {
    const k = `${e.endpointId}\u0000${e.fingerprint}`;
    let id = groupIds.get(k);
    if (id === undefined) {
      const g = await prisma.crashGroup.upsert({
        where: { endpointId_fingerprint: { endpointId: e.endpointId, fingerprint: e.fingerprint } },
        create: { endpointId: e.endpointId, fingerprint: e.fingerprint, signature: e.signature, title: e.title, firstSeenAt: e.at, lastSeenAt: e.at, count: 0, stateChangedAt: e.at },
        update: {},
        select: { id: true },
      });
      id = g.id;
      groupIds.set(k, id);
    }
    return id;
  };
  const inserts: Prisma.CrashEventCreateManyInput[] = [];
  for (const e of events) {
    const prev = existing.get(e.dedupeKey);
    if (prev) {
      const better =
        prev.fingerprint !== e.fingerprint &&
        (!isClassifierSignature(prev.signature) || (isClassifierSignature(e.signature) && signatureRank(e.signature) < signatureRank(prev.signature)));
      const longer = Array.isArray(prev.evidence) && e.evidence.length > prev.evidence.length;
      if (!better && !longer) continue;
      const groupId = better ? await groupFor(e) : prev.groupId;
      await prisma.crashEvent.update({
        where: { id: prev.id },
        data: {
          ...(better ? { signature: e.signature, fingerprint: e.fingerprint, title: e.title, groupId } : {}),
          evidence: e.evidence as unknown as Prisma.InputJsonValue,
          ...(e.exitCode !== null ? { exitCode: e.exitCode } : {}),
        },
      });
      if (prev.groupId) touched.add(prev.groupId);
      if (groupId) touched.add(groupId);
      continue;
    }
    const groupId = await groupFor(e);
    touched.add(groupId);
    inserts.push({
      endpointId: e.endpointId,
      workerId: e.workerId,
      image: e.image,
      deployment: e.deployment ?? null,
      at: e.at,
      signature: e.signature,
      fingerprint: e.fingerprint,
      title: e.title,
      exitCode: e.exitCode,
      source: e.source,
      evidence: e.evidence as unknown as Prisma.InputJsonValue,
      logLineId: e.logLineId,
      groupId,
      dedupeKey: e.dedupeKey,
      live: e.live ?? true,
    });
  }
  if (inserts.length) await prisma.crashEvent.createMany({ data: inserts, skipDuplicates: true });
  if (touched.size) await refreshCrashGroups(prisma, [...touched]);
}

export async function refreshCrashGroups(prisma: PrismaClient, ids: bigint[]): Promise<void> {
  await prisma.$executeRaw`
    UPDATE crash_groups g SET
      count = s.c, "firstSeenAt" = s.f, "lastSeenAt" = s.l,
      workers = s.w[1:50], images = s.i[1:20], deployments = s.d[1:20], "updatedAt" = now()
    FROM (
      SELECT "groupId", count(*)::int AS c, min(at) AS f, max(at) AS l,
        array_remove(array_agg(DISTINCT "workerId"), NULL) AS w,
        array_remove(array_agg(DISTINCT image), NULL) AS i,
        array_remove(array_agg(DISTINCT deployment), NULL) AS d
      FROM crash_events WHERE "groupId" = ANY(${ids}::bigint[]) AND live GROUP BY "groupId"
    ) s
    WHERE g.id = s."groupId"`;
  // a group whose only event moved to a more specific fingerprint is empty now
  await prisma.$executeRaw`
    UPDATE crash_groups g SET count = 0, workers = '{}', images = '{}', deployments = '{}', "updatedAt" = now()
    WHERE g.id = ANY(${ids}::bigint[]) AND NOT EXISTS (SELECT 1 FROM crash_events e WHERE e."groupId" = g.id AND e.live)`;
}
