/**
 * Structured one-line logger for every process. Known secrets (RunPod API key,
 * simulator key, anything registered with addSecret) are masked before printing.
 */
type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const secrets = new Set<string>();
export function addSecret(value: string | undefined | null) {
  if (value && value.length >= 6) secrets.add(value);
}
addSecret(process.env.RUNPOD_API_KEY);
addSecret(process.env.SWEEPWATCH_SECRET_KEY);

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join("[redacted]");
  return out;
}

function threshold(): number {
  const l = (process.env.LOG_LEVEL ?? "info") as Level;
  return ORDER[l] ?? ORDER.info;
}

function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { err: err.message, stack: err.stack?.split("\n").slice(1, 6).join(" | ") };
  return { err: String(err) };
}

function emit(level: Level, scope: string, msg: string, fields?: Record<string, unknown>) {
  if (ORDER[level] < threshold()) return;
  const rec: Record<string, unknown> = { t: new Date().toISOString(), level, scope, msg };
  if (fields) {
    for (const [k, v] of Object.entries(fields)) rec[k] = k === "error" ? errorFields(v) : v;
  }
  const line = redact(JSON.stringify(rec));
  if (level === "error" || level === "warn") process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(scope: string): Logger {
  return {
    debug: (m, f) => emit("debug", scope, m, f),
    info: (m, f) => emit("info", scope, m, f),
    warn: (m, f) => emit("warn", scope, m, f),
    error: (m, f) => emit("error", scope, m, f),
  };
}
