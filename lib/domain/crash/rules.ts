import type { LogLevel } from "./clean";
import { EXIT_CODE_SIGNATURES, SIGNAL_SIGNATURES, type SignatureId } from "./signatures";

/**
 * Per-line rules. `matchLine` sees one cleaned message (no timestamp, level or
 * JSON framing) and says which signature it shows, if any.
 *
 * The near-miss rule (documented in README.md next to this file):
 * - random_device fires only on an error emission of one of its exact
 *   wordings: a `what():` line, the wording at the start of the message, or
 *   inside an exception line (`RuntimeError: ...`, `ImportError: ...`,
 *   `java.lang.RuntimeException: ...`, `Caused by: ...`) and not in quotes.
 * - every rule ignores debugger/checker/tracer output (gdb frames and
 *   "Program received signal", valgrind/ASan `==pid==` lines, strace, nm,
 *   LD_DEBUG), echoed shell commands (`$ grep ...`, `+ echo ...`), phrases inside
 *   quotes, and lines logged at debug/info/warning level, except process-exit
 *   facts (exit codes, `Killed`, `OOMKilled`) and runpod's
 *   `test_input.json not found, exiting.` which state that the process ended.
 */

/** Literal words every rule needs; one alternation scanned over the whole buffer before any rule runs. */
export const KEYWORDS = [
  "random_device",
  "__x86_rdseed",
  "__x86_rdrand",
  "terminate called",
  "what():",
  "Aborted",
  "SIGABRT",
  "signal: aborted",
  "stack smashing",
  "Check failed",
  "Fatal Python error",
  "Traceback (most recent call last)",
  "No module named",
  "cannot import name",
  "cannot open shared object file",
  "undefined symbol",
  "DLL load failed",
  "UnsatisfiedLinkError",
  "test_input.json",
  "FileNotFound",
  "Errno 2",
  "No such file or directory",
  "no such file or directory",
  ": not found",
  "Segmentation fault",
  "SIGSEGV",
  "segfault",
  "segmentation fault",
  "Killed",
  "OOMKilled",
  "Out of memory",
  "out of memory",
  "out of the memory",
  "oom-kill",
  "signal: killed",
  "Illegal instruction",
  "illegal instruction",
  "illegal hardware instruction",
  "SIGILL",
  "available on your machine",
  "CUDA out of memory",
  "CUDA_ERROR_",
  "cudaError",
  "CUBLAS_STATUS_ALLOC_FAILED",
  "OutOfMemoryError",
  "OOM when allocating",
  "RESOURCE_EXHAUSTED",
  "Resource exhausted",
  "memory while trying to allocate",
  "incorrectly set up environment",
  "command not found",
  "can't find '__main__'",
  "was sent ",
  "zsh: killed",
  "zsh: abort",
  "killed  ",
  "is_available() is False",
  "NameError:",
  "KeyError:",
  "ValueError:",
  "TypeError:",
  "AttributeError:",
  "IndexError:",
  "AssertionError:",
  "ZeroDivisionError:",
  "NotImplementedError:",
  "RecursionError:",
  "UnboundLocalError:",
  "JSONDecodeError:",
  "UnicodeDecodeError:",
  "SyntaxError:",
  "IndentationError:",
  "PermissionError:",
  "ConnectionRefusedError:",
  "Exited (",
  "Restarting (",
  "EXC_BAD_ACCESS",
  "CUDA driver version",
  "NVIDIA driver",
  "version mismatch",
  "cuInit",
  "forward compatibility",
  "CUDA-capable device",
  "No CUDA GPUs",
  "No GPU",
  "GPU is lost",
  "fallen off the bus",
  "ECC error",
  "NCCL error",
  "NCCL Error",
  "NCCL WARN",
  "ProcessGroupNCCL",
  "no kernel image",
  "NoKernelImage",
  "GLIBC",
  "CXXABI_",
  "executable file not found",
  "CUDA-capable device",
  "cuda-capable device",
  "non-zero exit",
  "ncclInternalError",
  "ncclUnhandledCudaError",
  "ncclSystemError",
  "ncclInvalid",
  "ncclRemoteError",
  "DistBackendError",
  "collective operation timeout",
  "communicator was aborted",
  "xit code",
  "xit Code",
  "xit status",
  "xited with",
  "xitCode",
  "xit_code",
  "by signal",
] as const;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export const KEYWORD_SOURCE = KEYWORDS.map(escapeRe).join("|");
/** Non-global: for testing a single line. */
export const KEYWORD_TEST_RE = new RegExp(KEYWORD_SOURCE);

export type HitKind = "start" | "message" | "terminal";

export interface LineHit {
  /** null: a process-exit fact with an exit status that names no crash by itself (e.g. 1). */
  signature: SignatureId | null;
  kind: HitKind;
  /** Among lines of one crash with the same signature, the strongest is shown (what() > exception > shell message). */
  strength: number;
  /** The core message used for fingerprints. */
  message: string;
  exitCode?: number;
  module?: string;
}

const RD_SRC =
  String.raw`random_device(?:\s+could not be read|::random_device\((?:const )?(?:std::)?string(?: const)?&?\)\s*:\s*(?:device not available|unsupported token)|: ?(?:rdseed|rdrand|getentropy|getrandom|arc4random|rand_s) failed|\s+(?:failed to open|got EOF|got an unexpected error|getentropy failed|rand_s failed|failed getrandom))`;
const RD_START_RE = new RegExp(`^${RD_SRC}`);
/** The wording right after a label (`panic: `, `fatal error: `, R's `Error in f() : `, `[rank0]: X: `) or Rust's `panicked at '`. */
const RD_LABELLED_RE = new RegExp(`(?::\\s+|panicked at ')(${RD_SRC})`);
const RD_ANY_RE = new RegExp(RD_SRC);
const EXC_NAME_SRC = String.raw`(?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*(?:Error|Exception|Failure|Fault|Exit|Interrupt)|std::[a-z_]+|Error|Exception`;
const EXC_LINE_RE = new RegExp(`^(${EXC_NAME_SRC}):\\s*(.*)$`);
const JVM_PREFIX_RE = /^(?:Exception in thread "[^"]*" |Caused by: |Uncaught exception: )/;
const WHAT_RE = /^\s*what\(\):\s+/;
/** docker compose's service column (`revanced  | python: can't open file ...`) and kubectl's `--prefix` (`[pod/x/main] `). */
const COMPOSE_PREFIX_RE = /^(?:[\w.-]+ +\| |\[pod\/[^\]\s]+\] )/;

const TOOL_RE =
  /^(?:==\d+==|--\d+--|#\d+\s+\S|Program received signal|Program terminated with signal|Thread \d+ .*received signal|\s*\d+:\s+(?:binding file|symbol=|calling init|file=|lookup)|[0-9a-f]{8,16} [A-Za-z] |\[pid\s+\d+\]|\+\+\+ |--- SIG|[a-z_0-9]+\(.*\)\s+= -?\d)/;
const CMD_RE =
  /^(?:[$%>] |\+{1,3} |(?:sudo )?(?:grep|egrep|fgrep|rg|ag|echo|printf|cat|less|more|tail|head|sed|awk|journalctl|kubectl|docker|runpodctl|strings|nm|objdump|readelf|ldd|strace|gdb|valgrind)\s)/;

/** gdb/lldb reporting the inferior's fatal signal: the debugged process did crash. */
const DEBUGGER_SIGNAL_RE = /^(?:Program (?:received|terminated with) signal|Thread \d+ .*received signal|Process \d+ stopped.*stop reason = signal) (SIGSEGV|SIGILL|SIGABRT|SIGKILL)\b/;
const DEBUGGER_SIGNALS: Record<string, [SignatureId, number]> = {
  SIGSEGV: ["segfault", 139],
  SIGILL: ["illegal_instruction", 132],
  SIGABRT: ["abort", 134],
  SIGKILL: ["oom_killed", 137],
};

const SHELL_SIG_RE =
  /^(?:(?:\S+: )?(?:line \d+: )?\s*\d+\s+(Segmentation fault|Aborted|Killed|Illegal instruction)(?: \(core dumped\))?(?:\s.*)?|(Segmentation fault|Aborted|Killed|Illegal instruction)(?: \(core dumped\)|: \d+)?\s*)$/;
/** zsh's job messages: `zsh: illegal hardware instruction  python x.py`, `[1]    4738 segmentation fault  python3`. */
const ZSH_SIG_RE = /^(?:zsh: |\[\d+\]\s+[+-]?\s*\d+\s+)(segmentation fault|illegal hardware instruction|abort|killed)(?:\s|$)/;
const ZSH_SIG: Record<string, [SignatureId, number]> = {
  "segmentation fault": ["segfault", 139],
  "illegal hardware instruction": ["illegal_instruction", 132],
  abort: ["abort", 134],
  killed: ["oom_killed", 137],
};
const SHELL_SIG: Record<string, [SignatureId, number]> = {
  "Segmentation fault": ["segfault", 139],
  Aborted: ["abort", 134],
  Killed: ["oom_killed", 137],
  "Illegal instruction": ["illegal_instruction", 132],
};

const EXIT_RE =
  /\bexit(?:ed)?(?: with)?(?: exit)? (?:code|status)\s*[:=]?\s*\(?(-?\d+)|\bexit_?code["']?\s*[:=]\s*["']?(-?\d+)/i;
const SIGNAL_RE = /\b(?:killed|terminated) by signal (\d+)/i;
/** `docker ps` status (`Exited (139) 2 hours ago`, `Restarting (139) 5 seconds ago`) and gunicorn's `Worker (pid:54) was sent code 139!`. */
const STATUS_RE = /\b(?:Exited|Restarting) \((\d+)\) |\bWorker \(pid:\d+\) was sent code (\d+)|\bWorker \(pid:\d+\) was sent (SIGKILL|SIGSEGV|SIGABRT|SIGILL)!/;
const SIGNAL_NAME_CODES: Record<string, number> = { SIGILL: 132, SIGABRT: 134, SIGKILL: 137, SIGSEGV: 139 };
const NONZERO_EXIT_RE = /\bnon-zero exit (?:code|status)\b[^\n]*?\b(\d{1,3})\s*$/i;

interface PhraseRule {
  id: SignatureId;
  re: RegExp;
  /** Exit facts count at any log level. */
  anyLevel?: boolean;
  kind?: HitKind;
  exitCode?: number;
  module?: (m: RegExpExecArray) => string | undefined;
  /** The rule must match at the start of the message (exception-line forms). */
  anchored?: boolean;
}

function basename(p: string): string {
  const i = p.lastIndexOf("/");
  return i === -1 ? p : p.slice(i + 1);
}

const RULES: PhraseRule[] = [
  {
    id: "device_not_available",
    re: /CUDA-capable device\(s\) is\/are busy or unavailable|all CUDA-capable devices are busy or unavailable|all cuda-capable devices are busy or unavailable|CUDA_ERROR_DEVICE_UNAVAILABLE|cudaErrorDevicesUnavailable|GPU is lost|fallen off the bus|uncorrectable ECC error/,
  },
  {
    id: "cuda_oom",
    re: /CUDA out of (?:the )?memory|CUDA error: out of memory|CUDA_ERROR_OUT_OF_MEMORY|cudaErrorMemoryAllocation|CUBLAS_STATUS_ALLOC_FAILED|torch\.(?:cuda\.)?OutOfMemoryError|OOM when allocating tensor|RESOURCE_EXHAUSTED: (?:Out of memory|Failed to allocate request for)|\bcuda\w* failed: out of memory|Resource exhausted: Out of memory|(?:^|[Oo]ut )of memory while trying to allocate \d/,
  },
  {
    id: "cuda_driver",
    re: /CUDA driver version is insufficient|cudaErrorInsufficientDriver|CUDA_ERROR_SYSTEM_DRIVER_MISMATCH|Found no NVIDIA driver|NVIDIA driver on your system is too old|couldn't communicate with the NVIDIA driver|Driver\/library version mismatch|failed call to cuInit(?!.*(?:NO_DEVICE|no CUDA-capable device))|CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE|forward compatibility was attempted on non supported HW|no kernel image is available for execution|cudaErrorNoKernelImageForDevice|CUDA_ERROR_NO_BINARY_FOR_GPU/,
  },
  {
    id: "no_gpu",
    re: /no CUDA-capable device is detected|CUDA_ERROR_NO_DEVICE|cudaErrorNoDevice|No CUDA GPUs are available|No GPUs? (?:found|available|detected)|(?<!UserWarning: CUDA initialization: )(?:CUDA unknown error|Found an unknown error) - this may be due to an incorrectly set up environment|on a CUDA device but torch\.cuda\.is_available\(\) is False/,
  },
  {
    id: "nccl",
    re: /NCCL [Ee]rror|NCCL WARN|ProcessGroupNCCL\.cpp:\d+, unhandled (?:cuda|system) error|nccl(?:InternalError|UnhandledCudaError|SystemError|InvalidUsage|InvalidArgument|RemoteError)|DistBackendError|collective operation timeout|NCCL communicator was aborted/,
  },
  {
    id: "import_error",
    anchored: true,
    re: /^(?:ModuleNotFoundError|ImportError): No module named '?([\w.]+)'?/,
    module: (m) => m[1],
  },
  {
    id: "import_error",
    anchored: true,
    re: /^ImportError: cannot import name '?([\w.]+)'?(?: from '([\w.]+)')?/,
    module: (m) => m[2] ?? m[1],
  },
  {
    id: "import_error",
    anchored: true,
    re: /^(?:(?:ImportError|OSError|RuntimeError|Error|java\.lang\.UnsatisfiedLinkError): (?:.*?: )?|.*?error while loading shared libraries: )?(\S+?\.so(?:\.[\w.]+)?): (?:cannot open shared object file|undefined symbol)/,
    module: (m) => basename(m[1]),
  },
  { id: "import_error", anchored: true, re: /^ImportError: DLL load failed/ },
  {
    id: "import_error",
    // Literal start: a leading `\S+` would rescan a long token from every position.
    re: /: version [`'](?:GLIBCXX|GLIBC|CXXABI)_[\d.]+' not found/,
    module: (m) => basename(m.input.slice(Math.max(0, m.index - 300), m.index).split(/\s/).pop() ?? ""),
  },
  {
    id: "import_error",
    anchored: true,
    re: /^java\.lang\.UnsatisfiedLinkError: no (\S+) in java\.library\.path/,
    module: (m) => m[1],
  },
  { id: "missing_file", anyLevel: true, kind: "terminal", re: /test_input\.json not found, exiting/, module: () => "test_input.json" },
  {
    id: "missing_file",
    anchored: true,
    re: /^(?:FileNotFoundError|java\.io\.FileNotFoundException|(?:OSError|IOError): \[Errno 2\])(?::.*?'([^']+)')?/,
  },
  { id: "missing_file", anchored: true, re: /^\S*python[\d.]*: can't open file '([^']+)': \[Errno 2\] No such file or directory/ },
  { id: "missing_file", anchored: true, re: /^exec (\S+): no such file or directory/ },
  { id: "missing_file", re: /(?:^|\| |\] )exec (\S+?)(?: failed)?: [Nn]o such file or directory/ },
  { id: "missing_file", re: /starting container process caused:? .*?(?:no such file or directory|executable file not found in \$PATH)/ },
  { id: "missing_file", re: /exec: "?[^":]+"?: executable file not found in \$PATH/ },
  { id: "missing_file", anchored: true, re: /^\S*\.sh: (?:line \d+: )?(?:exec: )?(\S+): (?:No such file or directory|not found)/ },
  { id: "missing_file", anchored: true, re: /^\/\S+: line \d+: (?:exec: )?(\S+): (?:command )?not found/ },
  { id: "missing_file", anchored: true, re: /^(?:\S+: )?(?:line \d+: )?(\S+): command not found$/ },
  { id: "missing_file", anchored: true, re: /^\S*python[\d.]*: can't find '__main__' module in '([^']+)'/ },
  {
    id: "missing_file",
    anchored: true,
    re: /^(?:\/\S*\/)?(?:ba|da|z)?sh: (?:line \d+: |\d+: )?(\S+): (?:No such file or directory|not found)|^(?:\/usr\/bin\/)?env: '?([^':]+)'?: No such file or directory/,
  },
  // "Segmentation fault" / "Illegal instruction" only as the end of a message (shell, faulthandler), not in prose.
  {
    id: "segfault",
    re: /Fatal Python error: Segmentation fault|\bSIGSEGV\b|\bsegfault at [0-9a-f]+|signal: segmentation fault|Segmentation fault(?: \(core dumped\))?\s*$|^Exception Type:\s+EXC_BAD_ACCESS \(SIGSEGV\)/,
  },
  { id: "oom_killed", anyLevel: true, kind: "terminal", exitCode: 137, re: /\bOOMKilled\b|signal: killed/ },
  { id: "oom_killed", anyLevel: true, re: /Out of memory: Kill(?:ed)? process|oom-kill(?:er)?\b|Memory cgroup out of memory/ },
  {
    id: "illegal_instruction",
    re: /\bSIGILL\b|Fatal Python error: Illegal instruction|Illegal instruction(?: \(core dumped\))?\s*$|signal: illegal instruction|compiled to use \S+ instructions, but these aren't available on your machine/,
  },
  { id: "abort", re: /Fatal Python error: Aborted|SIGABRT|signal: aborted|\*\*\* stack smashing detected/ },
  // A Python builtin exception's line alone (the traceback above it lost): the process ended with it.
  {
    id: "python_exception",
    anchored: true,
    re: /^(?:NameError|KeyError|ValueError|TypeError|AttributeError|IndexError|AssertionError|ZeroDivisionError|NotImplementedError|RecursionError|UnboundLocalError|(?:json\.decoder\.)?JSONDecodeError|UnicodeDecodeError|SyntaxError|IndentationError|PermissionError|ConnectionRefusedError): \S/,
  },
];

function isQuoted(text: string, idx: number): boolean {
  const prev = text.charCodeAt(idx - 1);
  if (prev === 39 || prev === 34 || prev === 96) return true; // ' " `
  let dq = 0;
  let bt = 0;
  for (let i = 0; i < idx; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) dq++;
    else if (c === 96) bt++;
  }
  return dq % 2 === 1 || bt % 2 === 1;
}

const MESSAGE_CAP = 300;

function tail(text: string, from: number): string {
  return text.slice(from, from + MESSAGE_CAP).trim();
}

/** Python traceback: the exception line's name must look like an exception. */
const PY_EXC_RE = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?::( .*)?)?$/;
const PY_EXC_NAME_RE = /(?:Error|Exception|Exit|Interrupt|Failure|Fault|Group|Warning|Timeout|StopIteration)$/;

export function isPythonExceptionLine(text: string): boolean {
  const m = PY_EXC_RE.exec(text.length > 2000 ? text.slice(0, 2000) : text);
  return m !== null && PY_EXC_NAME_RE.test(m[1]);
}

/** A gdb/coredumpctl frame (unindented `#N ...`; sanitizer frames are indented) or an lldb `frame #N:` inside std::random_device or its libstdc++ helpers. */
const RD_FRAME_RE =
  /^(?:#\d+\s+(?:0x[0-9a-f]+\s+)?(?:in\s+)?|\s*\*?\s*frame #\d+: 0x[0-9a-f]+ \S+`)(?:std::(?:__1::)?random_device::|std::\(anonymous namespace\)::__x86_rd(?:seed|rand)|std::__throw_(?:runtime|system)_error\s*\(.*random_device)/;
/** A test framework or wrapper quoting the exception's message: `C++ exception with description "random_device: rdseed failed"`, Rust cxx's `Exception { what: "..." }`. */
const RD_DESCRIBED_RE = new RegExp(`(?:(?:exception|error)(?: with)? (?:description|message)|\\bwhat)\\s*[:=]?\\s*["'](${RD_SRC})`, "i");
/** libc++abi and other runtimes: `terminating with uncaught exception of type std::__1::system_error: random_device failed to open ...`. */
const RD_UNCAUGHT_RE = new RegExp(`uncaught exception of type [\\w:]+: (${RD_SRC})`);

function randomDeviceHit(t: string, quiet: boolean): LineHit | null {
  if (t.indexOf("random_device") === -1 && t.indexOf("__x86_rd") === -1) return null;
  if (RD_FRAME_RE.test(t)) return { signature: "random_device", kind: "message", strength: 1, message: tail(t, t.search(/std::|__x86/)) };
  const lead = t.trimStart();
  // An exception line is believed at any level (sbt and test runners print everything as [info]); bare wordings are not.
  const e0 = EXC_LINE_RE.exec(lead);
  if (e0) {
    const m = RD_ANY_RE.exec(e0[2]);
    if (m && !isQuoted(e0[2], m.index)) return { signature: "random_device", kind: "message", strength: 2, message: tail(e0[2], m.index) };
  }
  if (quiet) return null;
  const d = RD_DESCRIBED_RE.exec(t) ?? RD_UNCAUGHT_RE.exec(t);
  if (d) return { signature: "random_device", kind: "message", strength: 2, message: tail(t, d.index + d[0].length - d[1].length) };
  const w = WHAT_RE.exec(t);
  if (w) {
    const rest = t.slice(w[0].length);
    return RD_START_RE.test(rest) ? { signature: "random_device", kind: "message", strength: 3, message: tail(rest, 0) } : null;
  }
  if (RD_START_RE.test(lead)) return { signature: "random_device", kind: "message", strength: 2, message: tail(lead, 0) };
  const e = EXC_LINE_RE.exec(t);
  if (e) {
    const restStart = t.length - e[2].length;
    const m = RD_ANY_RE.exec(e[2]);
    if (m && !isQuoted(t, restStart + m.index)) {
      return { signature: "random_device", kind: "message", strength: 2, message: tail(e[2], m.index) };
    }
  }
  const l = RD_LABELLED_RE.exec(t);
  if (l) {
    const at = l.index + l[0].length - l[1].length;
    // prose quoting the abort (`If you see 'what(): random_device ...'`) is a mention: no single-quoted span, no what() label
    const mention = isQuoted(t, at) || (t.slice(0, at).split("'").length - 1) % 2 === 1 || /what\(\):\s+$/.test(t.slice(0, at));
    if (l[0].startsWith("panicked") || !mention) return { signature: "random_device", kind: "message", strength: 2, message: tail(t, at) };
  }
  return null;
}

function exitHit(t: string): LineHit | null {
  let code: number | undefined;
  let signature: SignatureId | null = null;
  const st = STATUS_RE.exec(t);
  const m = EXIT_RE.exec(t) ?? NONZERO_EXIT_RE.exec(t);
  if (st && !m) {
    code = st[3] ? SIGNAL_NAME_CODES[st[3]] : Number(st[1] ?? st[2]);
    if (code === 0) return null;
    signature = EXIT_CODE_SIGNATURES[code] ?? null;
  } else if (m) {
    // A JSON/YAML key (`"ExitCode": 137` from docker inspect) is data, not quoted prose.
    const jsonKey = m[2] !== undefined && /["']\s*:/.test(m[0]);
    if (!jsonKey && isQuoted(t, m.index)) return null;
    code = Number(m[1] ?? m[2]);
    if (code === 0) return null;
    signature = EXIT_CODE_SIGNATURES[code] ?? null;
  } else {
    const s = SIGNAL_RE.exec(t);
    if (!s || isQuoted(t, s.index)) return null;
    const sig = Number(s[1]);
    signature = SIGNAL_SIGNATURES[sig] ?? null;
    code = 128 + sig;
  }
  return { signature, kind: "terminal", strength: 0, message: `exit status ${code}`, exitCode: code };
}

export interface MatchContext {
  level: LogLevel | null;
}

/** Which signature one cleaned message shows, if any. Callers pass only lines that contain a keyword. */
export function matchLine(input: string, ctx: MatchContext): LineHit | null {
  let t = input;
  if (RD_FRAME_RE.test(t)) return randomDeviceHit(t, false);
  const dbg = DEBUGGER_SIGNAL_RE.exec(t);
  if (dbg) {
    const [sig, code] = DEBUGGER_SIGNALS[dbg[1]];
    // Not "terminal": the backtrace printed after it (`bt`) belongs to the same crash.
    return { signature: sig, kind: "message", strength: 1, message: t.trim().slice(0, MESSAGE_CAP), exitCode: code };
  }
  if (TOOL_RE.test(t) || CMD_RE.test(t)) return null;
  const jvm = JVM_PREFIX_RE.exec(t);
  if (jvm) t = t.slice(jvm[0].length);
  const compose = COMPOSE_PREFIX_RE.exec(t);
  if (compose) t = t.slice(compose[0].length);
  const quiet = ctx.level === "debug" || ctx.level === "info" || ctx.level === "warn";

  const rd = randomDeviceHit(t, quiet);
  if (rd) return rd;
  const sh = SHELL_SIG_RE.exec(t);
  if (sh) {
    const word = sh[1] ?? sh[2];
    const [sig, code] = SHELL_SIG[word];
    // "Killed" is a fact at any level; the others are only believed outside info/warn output.
    if (!quiet || sig === "oom_killed") return { signature: sig, kind: "terminal", strength: 1, message: word, exitCode: code };
  }
  const zsh = ZSH_SIG_RE.exec(t);
  if (zsh) {
    const [sig, code] = ZSH_SIG[zsh[1]];
    return { signature: sig, kind: "terminal", strength: 1, message: zsh[1], exitCode: code };
  }
  for (const rule of RULES) {
    if (quiet && !rule.anyLevel) continue;
    // Anchored (exception-line) forms may be indented: R prints its error's message on an indented line.
    const subject = rule.anchored ? t.trimStart() : t;
    const m = rule.re.exec(subject);
    if (!m) continue;
    if (!rule.anchored && isQuoted(t, m.index)) continue;
    return {
      signature: rule.id,
      kind: rule.kind ?? "message",
      strength: 2,
      message: rule.anchored ? tail(subject, 0) : tail(t, m.index),
      exitCode: rule.exitCode,
      module: rule.module?.(m),
    };
  }
  if (!quiet) {
    const term = /^terminate called (?:after throwing an instance of '([^']+)'|without an active exception|recursively)/.exec(t);
    if (term) return { signature: "abort", kind: "start", strength: 1, message: tail(t, 0) };
    const w = WHAT_RE.exec(t);
    if (w) return { signature: "abort", kind: "message", strength: 3, message: tail(t, w[0].length) };
    if (ctx.level === "fatal" && t.indexOf("Check failed") !== -1) return { signature: "abort", kind: "message", strength: 2, message: tail(t, 0) };
  }
  return exitHit(t);
}
