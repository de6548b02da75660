/**
 * RunPod's `system` log lines narrate a worker's container lifecycle (image pull, container create/start,
 * exit, restart back-off). A container that dies before its handler prints anything leaves only those
 * lines, so a crash loop shows as start, exit, start, exit... with no container output between. This
 * reads them. The only wording confirmed from production is "create container <image>" (runpod/runpodctl
 * internal/api/logs_test.go); the rest is matched loosely (start/started/starting, exited/died with
 * code/status N, restarting/back-off, stop/stopping).
 */

export type SystemLineFact = { kind: "start" } | { kind: "exit"; exitCode: number | null } | { kind: "restart" } | { kind: "stop" };

const START_RE = /^\s*(?:create|created|creating|start|started|starting)\s+container\b/i;
const STOP_RE = /^\s*(?:stop|stopped|stopping|kill|killing|remove|removing)\s+container\b/i;
const RESTART_RE = /^\s*restart(?:ing)?\s+container\b|\bback-?off\b/i;
const EXIT_RE = /\bcontainer\b.*?\b(?:exited|died|terminated|crashed)\b/i;
const CODE_RE = /\b(?:exit\s+)?(?:code|status)\s*[:=]?\s*\(?(-?\d{1,3})\b/i;

export function parseSystemLine(text: string): SystemLineFact | null {
  if (EXIT_RE.test(text)) {
    const m = CODE_RE.exec(text);
    return { kind: "exit", exitCode: m ? Number(m[1]) : null };
  }
  if (STOP_RE.test(text)) return { kind: "stop" };
  if (RESTART_RE.test(text)) return { kind: "restart" };
  if (START_RE.test(text)) return { kind: "start" };
  return null;
}

export interface SystemCrash<L> {
  /** The line that ended the run: the exit line, else the restart or the next start that shows it ended. */
  end: L;
  /** The start line of the run, when it was among the lines. */
  start: L | null;
  exitCode: number | null;
  /** Container output between the start and the end. */
  containerLines: number;
}

export interface SystemCrashOptions {
  /** A run that ended with no exit line counts as a crash only with at most this much container output. */
  maxContainerLines?: number;
}

/**
 * Crashes in one worker's lines (all sources, in arrival order): a container run that exited with a
 * non-zero code, or that ended (a restart back-off, or the next start) without any exit line and with
 * little container output, unless a stop was asked for first (scale-down, idle timeout, cancel).
 */
export function findSystemCrashes<L extends { text: string; source: string }>(lines: L[], opts: SystemCrashOptions = {}): SystemCrash<L>[] {
  const maxQuiet = opts.maxContainerLines ?? 20;
  const out: SystemCrash<L>[] = [];
  let start: L | null = null;
  let running = false;
  let stopped = false;
  let output = 0;
  /** Start lines of the current run so far ("create container" then "start container" is one start). */
  let startWords = new Set<string>();
  const end = (line: L, exitCode: number | null) => {
    if (!stopped && (exitCode === null ? output <= maxQuiet : exitCode !== 0)) out.push({ end: line, start, exitCode, containerLines: output });
    running = false;
  };
  for (const l of lines) {
    if (l.source !== "system") {
      output++;
      continue;
    }
    const f = parseSystemLine(l.text);
    if (!f) continue;
    if (f.kind === "start") {
      const word = l.text.trim().split(/\s+/)[0].toLowerCase().replace(/(?:ed|ing)$/, "").replace(/e$/, "");
      // a start while a run was going (output since, or the same start line again) means it ended unseen
      if (running && (output > 0 || startWords.has(word))) end(l, null);
      if (!running) {
        start = l;
        running = true;
        stopped = false;
        output = 0;
        startWords = new Set();
      }
      startWords.add(word);
    } else if (f.kind === "stop") {
      stopped = true;
    } else if (f.kind === "exit") {
      if (running || start === null) end(l, f.exitCode);
    } else if (running) {
      end(l, null);
    }
  }
  return out;
}
