import { cleanLine, type LogLevel } from "./clean";
import { isPythonExceptionLine, KEYWORD_SOURCE, KEYWORD_TEST_RE, matchLine, type LineHit } from "./rules";
import { SIGNATURES, signatureRank, type SignatureId } from "./signatures";

export interface CrashEvidence {
  line: number;
  text: string;
}

export interface Crash {
  signature: SignatureId;
  title: string;
  /** 1-based line of the line that shows the signature best (the what() line, the final exception line). */
  line: number;
  /** That line, cleaned (no timestamp, ANSI, JSON framing). */
  text: string;
  /** The core message (what the fingerprint normalises). */
  message: string;
  explanation: string;
  exitCode?: number;
  /** import_error: the module or shared library that failed to load. */
  module?: string;
  /** Timestamp of the crash's first line, when the input carries one. */
  ts?: string;
  /** The lines of this crash that matched (e.g. terminate / what() / Aborted), in order. */
  evidence: CrashEvidence[];
  /** Cleaned lines around the crash (a few before the first evidence line through the last). */
  context: string[];
}

export interface ClassifyOptions {
  /** Work per line is capped: only this many characters of a line are examined. Default 8192. */
  maxLineChars?: number;
  /** Matching lines at most this many lines apart belong to one crash. Default 10. */
  gapLines?: number;
  /** Lines of context before the first evidence line. Default 3. */
  contextLines?: number;
  /** Exit status reported outside the log (wrapper, container runtime): attached to the last crash if it has none. */
  exitCode?: number;
}

export interface ClassifyResult {
  primary: SignatureId | null;
  crashes: Crash[];
}

interface Hit extends LineHit {
  line: number;
  text: string;
  ts?: string;
  /** Extra evidence shown before the hit (the Traceback header). */
  before?: CrashEvidence;
}

type LineSource = (line: number) => string | undefined;

const DEFAULTS = { maxLineChars: 8192, gapLines: 10, contextLines: 3 };
const MAX_TRACEBACK_LINES = 10_000;
const TRACEBACK_HEADER = "Traceback (most recent call last)";
const CHAIN_RE = /^(?:During handling of the above exception|The above exception was the direct cause)/;

function pickBest(hits: Hit[]): Hit | null {
  let best: Hit | null = null;
  for (const h of hits) {
    if (!h.signature) continue;
    if (!best || !best.signature) {
      best = h;
      continue;
    }
    const d = signatureRank(h.signature) - signatureRank(best.signature);
    if (d < 0 || (d === 0 && h.strength > best.strength) || (d === 0 && h.strength === best.strength && h.signature === "python_exception")) best = h;
  }
  return best;
}

/** Groups hits into crash events: lines of one crash are close together and end at a process-exit line. */
class EventBuilder {
  private hits: Hit[] = [];
  private lastLine = 0;
  private terminated = false;
  private exitCode: number | undefined;
  readonly out: Crash[] = [];

  constructor(
    private readonly gap: number,
    private readonly contextLines: number,
    private readonly source: LineSource,
  ) {}

  tick(line: number) {
    if (this.hits.length > 0 && line - this.lastLine > this.gap) this.close();
  }

  add(h: Hit) {
    if (this.hits.length > 0) {
      const far = h.line - this.lastLine > this.gap;
      const afterExit = this.terminated && !(h.kind === "terminal" && (this.exitCode === undefined || h.exitCode === undefined || h.exitCode === this.exitCode));
      const newStart = h.kind === "start" && this.hits.some((x) => x.kind !== "terminal");
      if (far || afterExit || newStart) this.close();
    }
    this.hits.push(h);
    this.lastLine = Math.max(this.lastLine, h.line);
    if (h.kind === "terminal") {
      this.terminated = true;
      this.exitCode ??= h.exitCode;
    }
  }

  close() {
    const hits = this.hits;
    this.hits = [];
    this.terminated = false;
    const exitCode = this.exitCode;
    this.exitCode = undefined;
    const best = pickBest(hits);
    if (!best || !best.signature) return;
    const info = SIGNATURES[best.signature];
    const evidence: CrashEvidence[] = [];
    for (const h of hits) {
      if (h.before) evidence.push(h.before);
      evidence.push({ line: h.line, text: h.text });
    }
    const first = evidence.reduce((a, e) => Math.min(a, e.line), Infinity);
    const last = evidence.reduce((a, e) => Math.max(a, e.line), 0);
    const context: string[] = [];
    for (let l = Math.max(1, first - this.contextLines, last - 30); l <= last; l++) {
      const raw = this.source(l);
      if (raw !== undefined) context.push(cleanLine(raw).lines.join(" ").slice(0, 500));
    }
    const crash: Crash = {
      signature: best.signature,
      title: info.title,
      line: best.line,
      text: best.text,
      message: best.message,
      explanation: info.explanation,
      evidence,
      context,
    };
    if (exitCode !== undefined) crash.exitCode = exitCode;
    const mod = best.module ?? hits.find((h) => h.module && h.signature === best.signature)?.module;
    if (mod) crash.module = mod;
    const ts = hits.find((h) => h.ts)?.ts;
    if (ts) crash.ts = ts;
    this.out.push(crash);
  }
}

interface TracebackState {
  start: number;
  header: CrashEvidence;
  state: "frames" | "after" | "chain";
  noise: number;
  exceptions: { line: number; text: string; level: LogLevel | null; ts?: string }[];
}

/** Line-at-a-time classifier core shared by the whole-buffer and the streaming forms. */
class LineEngine {
  readonly builder: EventBuilder;
  private tb: TracebackState | null = null;

  constructor(opts: Required<Omit<ClassifyOptions, "exitCode">>, source: LineSource) {
    this.builder = new EventBuilder(opts.gapLines, opts.contextLines, source);
  }

  wantsAll(): boolean {
    return this.tb !== null;
  }

  feed(line: number, raw: string, ts?: string) {
    this.builder.tick(line);
    if (this.tb === null && !KEYWORD_TEST_RE.test(raw)) return;
    const c = cleanLine(raw);
    const when = ts ?? c.ts;
    for (const sub of c.lines) this.feedSub(line, sub, c.level, when);
  }

  finish(): Crash[] {
    if (this.tb) this.endTraceback();
    this.builder.close();
    return this.builder.out;
  }

  private feedSub(line: number, t: string, level: LogLevel | null, ts?: string) {
    if (this.tb && this.traceback(line, t, level, ts)) return;
    if (t.startsWith(TRACEBACK_HEADER)) {
      this.tb = { start: line, header: { line, text: t.trim() }, state: "frames", noise: 0, exceptions: [] };
      return;
    }
    if (!KEYWORD_TEST_RE.test(t)) return;
    const h = matchLine(t, { level });
    if (h) this.builder.add({ ...h, line, text: t.trim().slice(0, 1000), ts });
  }

  /** Returns true when the line belonged to the traceback. */
  private traceback(line: number, t: string, level: LogLevel | null, ts?: string): boolean {
    const tb = this.tb!;
    if (line - tb.start > MAX_TRACEBACK_LINES) {
      this.endTraceback();
      return false;
    }
    const c0 = t.charCodeAt(0);
    if (t.length === 0 || c0 === 32 || c0 === 9) {
      if (tb.state === "frames") tb.noise = 0;
      return true;
    }
    if (t.startsWith(TRACEBACK_HEADER)) {
      if (tb.state === "after") {
        this.endTraceback();
        return false;
      }
      tb.state = "frames";
      return true;
    }
    if (CHAIN_RE.test(t)) {
      tb.state = "chain";
      return true;
    }
    if (tb.state === "frames" && isPythonExceptionLine(t)) {
      tb.exceptions.push({ line, text: t.trim().slice(0, 1000), level, ts });
      tb.state = "after";
      return true;
    }
    if (tb.state === "frames" && ++tb.noise <= 5) return false;
    this.endTraceback();
    return false;
  }

  private endTraceback() {
    const tb = this.tb!;
    this.tb = null;
    const n = tb.exceptions.length;
    tb.exceptions.forEach((ex, i) => {
      const h = KEYWORD_TEST_RE.test(ex.text) ? matchLine(ex.text, { level: ex.level }) : null;
      const before = i === 0 ? tb.header : undefined;
      // The final exception of an uncaught traceback ends the process: later crash lines are a new crash.
      const kind = i === n - 1 ? "terminal" : "message";
      // a chained exception's own python_exception hit adds nothing: the final one names the crash
      if (h && h.signature && (h.signature !== "python_exception" || i === n - 1)) {
        this.builder.add({ ...h, kind, line: ex.line, text: ex.text, ts: ex.ts, before });
      } else if (i === n - 1 && ex.level !== "debug" && ex.level !== "info" && ex.level !== "warn") {
        this.builder.add({ signature: "python_exception", kind, strength: 2, message: ex.text.slice(0, 300), line: ex.line, text: ex.text, ts: ex.ts, before });
      }
    });
  }
}

function resolve(opts?: ClassifyOptions) {
  return {
    maxLineChars: opts?.maxLineChars ?? DEFAULTS.maxLineChars,
    gapLines: opts?.gapLines ?? DEFAULTS.gapLines,
    contextLines: opts?.contextLines ?? DEFAULTS.contextLines,
  };
}

function finalise(crashes: Crash[], exitCode?: number): ClassifyResult {
  if (exitCode !== undefined && exitCode !== 0 && crashes.length > 0) {
    const last = crashes[crashes.length - 1];
    last.exitCode ??= exitCode;
  }
  let primary: SignatureId | null = null;
  for (const c of crashes) if (primary === null || signatureRank(c.signature) < signatureRank(primary)) primary = c.signature;
  return { primary, crashes };
}

/**
 * Classifies a whole log. One scan for literal keywords runs over the buffer;
 * only lines holding a keyword (and, inside a Python traceback, the lines up
 * to its final exception line) are cleaned and matched. A keyword further than
 * `maxLineChars` into a line skips the rest of that line.
 */
export function classifyLog(text: string, opts?: ClassifyOptions): ClassifyResult {
  const o = resolve(opts);
  const len = text.length;
  // Line starts of lines the engine has seen, for context lines.
  const starts = new Map<number, number>();
  const source: LineSource = (line) => {
    let s = starts.get(line);
    if (s === undefined) {
      // Walk back from the nearest known later line (context is a few lines, so this is short).
      for (let k = line + 1; k <= line + 40; k++) {
        const known = starts.get(k);
        if (known === undefined) continue;
        let pos = known;
        for (let j = k; j > line; j--) {
          if (pos === 0) return undefined;
          pos = text.lastIndexOf("\n", pos - 2) + 1;
        }
        s = pos;
        break;
      }
      if (s === undefined) return undefined;
    }
    let e = text.indexOf("\n", s);
    if (e === -1) e = len;
    return text.slice(s, Math.min(e, s + o.maxLineChars));
  };
  const engine = new LineEngine(o, source);

  let countPos = 0;
  let countLine = 1;
  const lineNoAt = (offset: number) => {
    for (;;) {
      const nl = text.indexOf("\n", countPos);
      if (nl === -1 || nl >= offset) return countLine;
      countLine++;
      countPos = nl + 1;
    }
  };

  const re = new RegExp(KEYWORD_SOURCE, "g");
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const idx = m.index;
    const lineStart = idx === 0 ? 0 : text.lastIndexOf("\n", idx - 1) + 1;
    let lineEnd = text.indexOf("\n", idx);
    if (lineEnd === -1) lineEnd = len;
    if (idx - lineStart >= o.maxLineChars) {
      re.lastIndex = lineEnd + 1;
      continue;
    }
    let lineNo = lineNoAt(lineStart);
    starts.set(lineNo, lineStart);
    engine.feed(lineNo, text.slice(lineStart, Math.min(lineEnd, lineStart + o.maxLineChars)));
    let pos = lineEnd + 1;
    while (engine.wantsAll() && pos < len) {
      let e = text.indexOf("\n", pos);
      if (e === -1) e = len;
      lineNo++;
      starts.set(lineNo, pos);
      countLine = lineNo;
      countPos = pos;
      engine.feed(lineNo, text.slice(pos, Math.min(e, pos + o.maxLineChars)));
      pos = e + 1;
    }
    re.lastIndex = pos;
  }
  return finalise(engine.finish(), opts?.exitCode);
}

export interface LogLineInput {
  text: string;
  ts?: string;
}

export interface CrashStream {
  /** Feeds the next batch; returns the crashes completed so far (a crash completes at its exit line or when later lines are far enough away). */
  push(lines: LogLineInput[]): Crash[];
  /** Ends the stream: returns the crashes still open (e.g. a log that stops right after the what() line). */
  flush(): Crash[];
}

/**
 * Streaming form for the poller: line numbers count from 1 over the whole
 * stream, and a crash split across batches (terminate / what() / Aborted, a
 * traceback) is still one crash. Each line is tested against the keyword
 * expression before anything else is done with it.
 */
export function createCrashStream(opts?: ClassifyOptions): CrashStream {
  const o = resolve(opts);
  const ring: string[] = new Array(64);
  let lineNo = 0;
  const source: LineSource = (line) => (line > lineNo - 64 && line <= lineNo ? ring[line % 64] : undefined);
  let engine = new LineEngine(o, source);
  let emitted = 0;
  const take = () => {
    const out = engine.builder.out.slice(emitted);
    emitted = engine.builder.out.length;
    return out;
  };
  return {
    push(lines) {
      for (const l of lines) {
        lineNo++;
        const text = l.text.length > o.maxLineChars ? l.text.slice(0, o.maxLineChars) : l.text;
        ring[lineNo % 64] = text;
        engine.feed(lineNo, text, l.ts);
      }
      return take();
    },
    flush() {
      engine.finish();
      const out = take();
      engine = new LineEngine(o, source);
      emitted = 0;
      return out;
    },
  };
}

/** One-shot form over a batch of lines (line numbers are 1-based positions in the batch). */
export function classifyLines(lines: LogLineInput[], opts?: ClassifyOptions): Crash[] {
  const s = createCrashStream(opts);
  const first = s.push(lines);
  return finalise([...first, ...s.flush()], opts?.exitCode).crashes;
}
