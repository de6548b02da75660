/**
 * The one error type of the RunPod client. Every string it carries (message,
 * stack, problem fields, body snippet, cause) has been passed through the
 * client's redactor, so the API key can never leak through it.
 */
export const RUNPOD_ERROR_KINDS = [
  "unauthorized",
  "forbidden",
  "not_found",
  "rate_limited",
  "server",
  "timeout",
  "network",
  "malformed",
  "ambiguous",
  "bad_request",
] as const;

export type RunpodErrorKind = (typeof RUNPOD_ERROR_KINDS)[number];

/** What went wrong underneath an `ambiguous` error (the request may or may not have been accepted). */
export type AmbiguousReason = "timeout" | "network" | "server" | "malformed";

/** RFC 9457 problem document fields, plus the `{error}` / `{message}` shapes RunPod also uses. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: string[];
}

export interface RunpodErrorInit {
  kind: RunpodErrorKind;
  operation: string;
  message: string;
  status?: number | null;
  retryAfterMs?: number | null;
  problem?: ProblemDetails | null;
  bodySnippet?: string | null;
  reason?: AmbiguousReason | null;
  attempts?: number;
  endpointId?: string | null;
  jobId?: string | null;
  /** Already-redacted description of the low-level cause (e.g. "ECONNRESET: socket hang up"). */
  causeText?: string | null;
}

export class RunpodError extends Error {
  readonly kind: RunpodErrorKind;
  readonly operation: string;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  readonly problem: ProblemDetails | null;
  readonly bodySnippet: string | null;
  readonly reason: AmbiguousReason | null;
  readonly attempts: number;
  readonly endpointId: string | null;
  readonly jobId: string | null;
  readonly causeText: string | null;

  constructor(init: RunpodErrorInit) {
    super(init.message);
    this.name = "RunpodError";
    this.kind = init.kind;
    this.operation = init.operation;
    this.status = init.status ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.problem = init.problem ?? null;
    this.bodySnippet = init.bodySnippet ?? null;
    this.reason = init.reason ?? null;
    this.attempts = init.attempts ?? 1;
    this.endpointId = init.endpointId ?? null;
    this.jobId = init.jobId ?? null;
    this.causeText = init.causeText ?? null;
  }

  /** True when trying again later can help (the caller decides when). */
  get transient(): boolean {
    return this.kind === "rate_limited" || this.kind === "server" || this.kind === "timeout" || this.kind === "network";
  }

  toJSON() {
    return {
      name: this.name,
      kind: this.kind,
      operation: this.operation,
      status: this.status,
      message: this.message,
      retryAfterMs: this.retryAfterMs,
      problem: this.problem,
      bodySnippet: this.bodySnippet,
      reason: this.reason,
      attempts: this.attempts,
      endpointId: this.endpointId,
      jobId: this.jobId,
      causeText: this.causeText,
    };
  }
}

export function kindForStatus(status: number): RunpodErrorKind {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404 || status === 410) return "not_found";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server";
  return "bad_request";
}

export type Redactor = (text: string) => string;

/** Masks every form of the secret (raw, URL-encoded, form-encoded) that could appear in a URL or body. */
export function createRedactor(secret: string): Redactor {
  const forms = new Set<string>();
  if (secret.length >= 4) {
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(encodeURI(secret));
    forms.add(new URLSearchParams({ k: secret }).toString().slice(2));
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const f of ordered) if (out.includes(f)) out = out.split(f).join("[redacted]");
    return out;
  };
}

const SNIPPET_MAX = 500;

function str(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/**
 * Reads an error body in any of the shapes the doc lists: problem+json, `{error}`,
 * `{message}`, or plain text. Everything returned is redacted and bounded.
 */
export function parseErrorBody(text: string, redact: Redactor): { problem: ProblemDetails | null; bodySnippet: string | null } {
  const trimmed = text.trim();
  if (trimmed === "") return { problem: null, bodySnippet: null };
  const bodySnippet = redact(trimmed.slice(0, SNIPPET_MAX));
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { problem: null, bodySnippet };
  }
  if (typeof parsed === "string") return { problem: { detail: redact(parsed.slice(0, SNIPPET_MAX)) }, bodySnippet };
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { problem: null, bodySnippet };
  const o = parsed as Record<string, unknown>;
  const p: ProblemDetails = {};
  const cut = (s: string | undefined) => (s === undefined ? undefined : redact(s.slice(0, SNIPPET_MAX)));
  p.type = cut(str(o.type));
  p.title = cut(str(o.title));
  if (typeof o.status === "number") p.status = o.status;
  p.detail = cut(str(o.detail) ?? str(o.message) ?? str(o.error) ?? (o.error && typeof o.error === "object" ? str((o.error as Record<string, unknown>).message) : undefined));
  p.instance = cut(str(o.instance));
  if (Array.isArray(o.errors)) {
    p.errors = o.errors.slice(0, 20).map((e) => redact((typeof e === "string" ? e : JSON.stringify(e) ?? "").slice(0, 200)));
  }
  for (const k of Object.keys(p) as (keyof ProblemDetails)[]) if (p[k] === undefined) delete p[k];
  return { problem: Object.keys(p).length ? p : null, bodySnippet };
}

/** A short, redacted description of a thrown fetch/network error (code + message of the innermost cause). */
export function describeCause(err: unknown, redact: Redactor): { code: string | null; text: string } {
  let code: string | null = null;
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 4; depth++) {
    if (cur instanceof Error) {
      const c = (cur as Error & { code?: unknown }).code;
      if (typeof c === "string") code = c;
      if (cur.message) parts.push(cur.message);
      cur = (cur as Error & { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return { code, text: redact([code, ...parts].filter(Boolean).join(": ").slice(0, 300)) };
}
