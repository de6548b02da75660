/**
 * Turns one raw log line into the message(s) it carries: strips ANSI colour,
 * CR, SSE `data:` framing, timestamps (ISO 8601 incl. RunPod's nanosecond `Z`
 * prefix, `2026-11-28 12:00:00,123`, `[12:00:00]`, syslog), CRI and glog
 * prefixes, log levels (runpod-python's `ERROR  | job | msg`, Python logging,
 * `[WARN]`), and unwraps JSON log records (RunPod `{"requestId","message","level"}`,
 * the v2 log stream's `{"ts","source","line"}`, `{"msg"}`, `{"log"}`).
 * A JSON message or a CR-overwritten line can hold several lines: `lines`.
 */
export type LogLevel = "debug" | "info" | "warn" | "error" | "fatal";

export interface CleanLine {
  lines: string[];
  level: LogLevel | null;
  ts?: string;
}

const ANSI_RE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const SSE_RE = /^data: ?/;
const CRI_RE = /^(\d{4}-\d\d-\d\dT\S+) (?:stdout|stderr) [FP] /;
const ISO_RE = /^\[?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?)\]?(?: [-|] |: | |$)/;
const TIME_RE = /^\[?\d\d:\d\d:\d\d(?:[.,]\d{1,9})?\]?(?: [-|] |: | |$)/;
const SYSLOG_RE = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ [\w./@-]+(?:\[\d+\])?: /;
const GLOG_RE = /^([IWEF])\d{4} \d\d:\d\d:[\d.]+\s+\d+ [^\]\s]+\] /;
const GLOG_SHORT_RE = /^([IWEF]) [\w./-]+:\d+\] /;
const RUNPOD_PLAIN_RE = /^(DEBUG|INFO|WARN|WARNING|ERROR|FATAL|TRACE)\s*\| (?:[\w-]{8,} \| )?/;
const PY_BASIC_RE = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.]+:/;
const PY_NAMED_RE = /^[\w.]+ - (DEBUG|INFO|WARNING|ERROR|CRITICAL) - /;
const BRACKET_LEVEL_RE = /^\[(DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL|TRACE|debug|info|warn|warning|error|fatal)\]:? ?/;
// Upper-case level words may stand alone ("ERROR something"); "Error"/"warning" only with a colon,
// so "Fatal Python error: Aborted" keeps its first word.
const WORD_LEVEL_RE = /^(?:(DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL|TRACE)(?::\s*|\s+-\s+|\s+)|(Warning|Error|Fatal|warning|error|fatal):\s*)/;
const JSON_MSG_RE = /"(?:message|msg|line|log|text)"\s*:\s*"((?:[^"\\]|\\.)*)/;
const JSON_LEVEL_RE = /"(?:level|levelname|severity)"\s*:\s*"(\w+)"/;

export function toLevel(word: string): LogLevel | null {
  switch (word.toLowerCase()) {
    case "d":
    case "debug":
    case "trace":
      return "debug";
    case "i":
    case "info":
      return "info";
    case "w":
    case "warn":
    case "warning":
      return "warn";
    case "e":
    case "error":
      return "error";
    case "f":
    case "fatal":
    case "critical":
      return "fatal";
    default:
      return null;
  }
}

function unescapeJsonString(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s.replace(/\\n/g, "\n").replace(/\\t/g, "\t").replace(/\\"/g, '"');
  }
}

interface JsonRecord {
  message: string;
  level: LogLevel | null;
  ts?: string;
}

function unwrapJson(s: string): JsonRecord | null {
  if (s.length < 2 || s.charCodeAt(0) !== 123 /* { */) return null;
  try {
    const v: unknown = JSON.parse(s);
    if (!v || typeof v !== "object" || Array.isArray(v)) return null;
    const o = v as Record<string, unknown>;
    const msg = [o.message, o.msg, o.line, o.log, o.text].find((x) => typeof x === "string") as string | undefined;
    if (msg === undefined) return null;
    const lv = [o.level, o.levelname, o.severity].find((x) => typeof x === "string") as string | undefined;
    const ts = [o.ts, o.time, o.timestamp].find((x) => typeof x === "string") as string | undefined;
    return { message: msg, level: lv ? toLevel(lv) : null, ts };
  } catch {
    // A record cut at the per-line cap: take the message field as far as it goes.
    const m = JSON_MSG_RE.exec(s);
    if (!m) return null;
    const lv = JSON_LEVEL_RE.exec(s);
    return { message: unescapeJsonString(m[1]), level: lv ? toLevel(lv[1]) : null };
  }
}

/** Strips framing, timestamps and level prefixes from one message; returns the level found. */
function stripPrefixes(input: string): { text: string; level: LogLevel | null; ts?: string } {
  let s = input;
  let level: LogLevel | null = null;
  let ts: string | undefined;
  for (let guard = 0; guard < 8; guard++) {
    let m: RegExpExecArray | null;
    if ((m = SSE_RE.exec(s))) {
      s = s.slice(m[0].length);
    } else if ((m = CRI_RE.exec(s))) {
      ts ??= m[1];
      s = s.slice(m[0].length);
    } else if ((m = ISO_RE.exec(s))) {
      ts ??= m[1];
      s = s.slice(m[0].length);
    } else if ((m = TIME_RE.exec(s)) || (m = SYSLOG_RE.exec(s))) {
      s = s.slice(m[0].length);
    } else if ((m = GLOG_RE.exec(s)) || (m = GLOG_SHORT_RE.exec(s))) {
      level = toLevel(m[1]);
      s = s.slice(m[0].length);
    } else if (
      (m = RUNPOD_PLAIN_RE.exec(s)) ||
      (m = PY_BASIC_RE.exec(s)) ||
      (m = PY_NAMED_RE.exec(s)) ||
      (m = BRACKET_LEVEL_RE.exec(s)) ||
      (m = WORD_LEVEL_RE.exec(s))
    ) {
      level = toLevel(m[1] ?? m[2]) ?? level;
      s = s.slice(m[0].length);
    } else {
      break;
    }
  }
  return { text: s, level, ts };
}

export function cleanLine(raw: string, depth = 0): CleanLine {
  let s = raw;
  if (s.indexOf("\x1b") !== -1) s = s.replace(ANSI_RE, "");
  if (s.endsWith("\r")) s = s.slice(0, -1);
  const head = stripPrefixes(s);
  const json = depth < 2 ? unwrapJson(head.text.trimEnd()) : null;
  if (json) {
    const lines: string[] = [];
    let level = json.level ?? head.level;
    for (const part of json.message.split("\n")) {
      const inner = cleanLine(part, depth + 1);
      lines.push(...inner.lines);
      if (inner.level) level = inner.level;
    }
    return { lines, level, ts: json.ts ?? head.ts };
  }
  // A CR inside a line is a terminal overwrite (progress bars): each segment is a line of its own.
  const lines = head.text.indexOf("\r") === -1 ? [head.text] : head.text.split("\r").filter((x) => x.length > 0);
  return { lines, level: head.level, ts: head.ts };
}
