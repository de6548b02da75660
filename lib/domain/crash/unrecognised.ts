import { cleanLine } from "./clean";
import { normaliseMessage } from "./fingerprint";

/**
 * Unknown crashes still form groups (issue 11, item 3). A worker that exited non-zero or restarted
 * with output no signature matches is fingerprinted by its last error line, normalised as error
 * trackers do (numbers, hex, paths, ids and timestamps masked), so every restart of the same failure
 * lands in one crash group and one incident titled by that masked line.
 */

/** Words that make a line an error report rather than progress output. */
const ERRORISH_RE =
  /\b(?:error|errors|exception|fatal|panic|panicked|fail|failed|failure|abort|aborted|traceback|cannot|can't|unable|denied|refused|invalid|not found|no such|killed|timed out|timeout|critical|segmentation|unhandled|uncaught)\b/i;
/** The process-exit report itself names no cause (the wrapper's `exited with code 1`, `Killed`). */
const EXIT_ONLY_RE = /^(?:.*\bexit(?:ed)?(?: with)?(?: exit)? (?:code|status)\s*[:=]?\s*\(?-?\d+\)?\.?|.*\b(?:killed|terminated) by signal \d+|Killed|Aborted(?: \(core dumped\))?)\s*$/i;
/** Start-up noise every TensorFlow/CUDA worker prints at error or warning level: never the cause. */
const BENIGN_RE =
  /Unable to register (?:cuFFT|cuDNN|cuBLAS) factory|computation placer already registered|TF-TRT Warning|Could not load dynamic library|Ignore above cudart dlerror|oneDNN custom operations|All log messages before absl::InitializeLog/;
/** Only the end of the output speaks for the crash: an error line further back was survived. */
const TAIL_LINES = 20;
const MAX_TITLE = 200;

export interface ErrorLine {
  /** Index of the chosen line in the input. */
  index: number;
  /** The line's message without timestamp, level or JSON framing. */
  text: string;
  /** The message with run-specific parts masked: the group's title. */
  masked: string;
}

/**
 * The last error line of a worker's output before it ended: among its last 20 lines, the last one with an
 * error word that is not just the exit report or known start-up noise, else (unless `errorOnly`, for a
 * restart that may have been a normal one) the last non-blank line that is not one. Lines logged at
 * debug/info level are skipped (progress, banners); null when nothing is left.
 */
export function lastErrorLine(lines: readonly string[], opts?: { errorOnly?: boolean }): ErrorLine | null {
  let fallback: ErrorLine | null = null;
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - TAIL_LINES); i--) {
    const c = cleanLine(lines[i].slice(0, 2000));
    if (c.level === "debug" || c.level === "info") continue;
    for (let k = c.lines.length - 1; k >= 0; k--) {
      const text = c.lines[k].trim();
      if (!text || EXIT_ONLY_RE.test(text) || BENIGN_RE.test(text)) continue;
      const masked = maskErrorLine(text);
      if (!masked) continue;
      if (ERRORISH_RE.test(text)) return { index: i, text, masked };
      fallback ??= { index: i, text, masked };
    }
  }
  return opts?.errorOnly ? null : fallback;
}

/** The line with numbers, hex, paths, ids and timestamps masked, at most 200 characters. */
export function maskErrorLine(text: string): string {
  return normaliseMessage(text, { ids: true }).slice(0, MAX_TITLE);
}

/** Fingerprint of an unrecognised crash: equal for every repeat of the same last error line. */
export function unrecognisedFingerprint(masked: string): string {
  return `unrecognised:${masked}`;
}
