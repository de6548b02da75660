/**
 * Rate-limit bookkeeping for the RunPod client: parses `Retry-After`, the IETF
 * `RateLimit` / `RateLimit-Policy` structured-field headers (docs/runpod-api.md 4.1),
 * and the older `RateLimit-Limit/-Remaining/-Reset` form, and keeps a per-scope
 * budget so callers hold requests instead of earning 429s.
 *
 * Scopes: `management` (per-user quota of the v2 API) and `jobs:<endpointId>`
 * (the jobs API limits are per endpoint).
 */

import { Token, parseDictionary, parseList, type BareItem, type Parameters } from "structured-headers";

export type Clock = () => number;

// ---- header parsing ----------------------------------------------------------

export interface HeaderLike {
  get(name: string): string | null;
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

export interface ObservedWindow {
  name: string;
  limit: number | null;
  windowSeconds: number | null;
  remaining: number | null;
  resetSeconds: number | null;
}

const num = (v: BareItem | undefined): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** A window name: a String (current drafts) or a Token. */
const windowName = (v: BareItem): string | null => (typeof v === "string" && v !== "" ? v : v instanceof Token ? v.toString() : null);

/** The items of a structured-field List; a malformed header gives none. */
function listItems(value: string): [BareItem, Parameters][] {
  try {
    return parseList(value).filter((m): m is [BareItem, Parameters] => !Array.isArray(m[0]));
  } catch {
    return [];
  }
}

/** The draft-07 `RateLimit` Dictionary (`limit=100, remaining=50, reset=5`), or null if the value is not one. */
function draft07Dictionary(value: string): Map<string, number | null> | null {
  try {
    const out = new Map<string, number | null>();
    for (const [key, [v]] of parseDictionary(value)) out.set(key, Array.isArray(v) ? null : num(v));
    return out;
  } catch {
    return null;
  }
}

/** Reads every rate-limit header form into a list of named windows. A malformed header adds nothing. */
export function parseRateLimitHeaders(headers: HeaderLike): ObservedWindow[] {
  const byName = new Map<string, ObservedWindow>();
  const get = (name: string) => {
    let w = byName.get(name);
    if (!w) {
      w = { name, limit: null, windowSeconds: null, remaining: null, resetSeconds: null };
      byName.set(name, w);
    }
    return w;
  };

  const policy = headers.get("ratelimit-policy");
  if (policy) {
    for (const [value, params] of listItems(policy)) {
      const name = windowName(value);
      if (typeof value === "number") {
        // draft-07: `100;w=10`
        const w = get("default");
        w.limit = value;
        w.windowSeconds = num(params.get("w"));
      } else if (name !== null) {
        const w = get(name);
        if (num(params.get("q")) !== null) w.limit = num(params.get("q"));
        if (num(params.get("w")) !== null) w.windowSeconds = num(params.get("w"));
      }
    }
  }

  const rl = headers.get("ratelimit");
  if (rl) {
    const items = listItems(rl);
    // A draft-07 Dictionary is not a valid List (`limit=100`), so it only gets here when the List parse failed.
    const dict = items.length === 0 ? draft07Dictionary(rl) : null;
    if (dict) {
      const w = get("default");
      if (dict.has("limit")) w.limit = dict.get("limit") ?? null;
      if (dict.has("remaining")) w.remaining = dict.get("remaining") ?? null;
      if (dict.has("reset")) w.resetSeconds = dict.get("reset") ?? null;
    } else {
      for (const [value, params] of items) {
        const name = windowName(value);
        if (name === null) continue;
        const w = get(name);
        if (num(params.get("r")) !== null) w.remaining = num(params.get("r"));
        if (num(params.get("t")) !== null) w.resetSeconds = num(params.get("t"));
      }
    }
  }

  // draft-06 and the common X- variants.
  for (const prefix of ["ratelimit-", "x-ratelimit-"]) {
    const rem = headers.get(prefix + "remaining");
    if (rem === null) continue;
    const w = get("default");
    const n = (s: string | null) => (s !== null && /^\d+(\.\d+)?$/.test(s.trim()) ? Number(s.trim()) : null);
    w.remaining ??= n(rem);
    w.limit ??= n(headers.get(prefix + "limit"));
    w.resetSeconds ??= n(headers.get(prefix + "reset"));
    break;
  }

  return [...byName.values()].filter((w) => w.remaining !== null || w.limit !== null);
}

// ---- per-scope budget ----------------------------------------------------------

export interface RateLimitWindowState {
  name: string;
  limit: number | null;
  windowSeconds: number | null;
  /** Server-reported remaining, minus requests this client sent since (optimistic). */
  remaining: number | null;
  /** Epoch ms when the window resets (null if the server gave no reset). */
  resetAt: number | null;
  observedAt: number;
}

export interface RateLimitScopeState {
  scope: string;
  windows: RateLimitWindowState[];
  /** Smallest remaining over live windows; null when no header was seen. */
  remaining: number | null;
  /** Requests are held until this epoch ms (after a 429 or an exhausted window). */
  blockedUntil: number | null;
  /** Even spacing that spends the tightest window's remaining quota until its reset; null if unknown. */
  paceMs: number | null;
  rateLimitedCount: number;
  last429At: number | null;
  throttledCount: number;
  requestCount: number;
}

export interface RateLimitSnapshot {
  at: number;
  scopes: Record<string, RateLimitScopeState>;
  total429: number;
}

interface ScopeData {
  windows: Map<string, RateLimitWindowState>;
  blockedUntil: number | null;
  rateLimitedCount: number;
  last429At: number | null;
  throttledCount: number;
  requestCount: number;
}

export class RateLimitTracker {
  private scopes = new Map<string, ScopeData>();

  constructor(
    private readonly clock: Clock,
    /** Requests are held when a window's remaining is at or below this. */
    private readonly reserve = 0,
  ) {}

  private data(scope: string): ScopeData {
    let d = this.scopes.get(scope);
    if (!d) {
      d = { windows: new Map(), blockedUntil: null, rateLimitedCount: 0, last429At: null, throttledCount: 0, requestCount: 0 };
      this.scopes.set(scope, d);
    }
    return d;
  }

  /** Record the quota a response reported. */
  observe(scope: string, headers: HeaderLike): void {
    const windows = parseRateLimitHeaders(headers);
    if (!windows.length) return;
    const now = this.clock();
    const d = this.data(scope);
    for (const w of windows) {
      const prev = d.windows.get(w.name);
      d.windows.set(w.name, {
        name: w.name,
        limit: w.limit ?? prev?.limit ?? null,
        windowSeconds: w.windowSeconds ?? prev?.windowSeconds ?? null,
        remaining: w.remaining,
        resetAt: w.resetSeconds !== null ? now + w.resetSeconds * 1000 : null,
        observedAt: now,
      });
    }
  }

  /**
   * Record a 429; `retryAfterMs` null means the server gave none. Then the reset of an
   * exhausted window is used, else `fallbackMs`. Returns the wait now imposed on the scope.
   */
  rateLimited(scope: string, retryAfterMs: number | null, fallbackMs = 0): number {
    const now = this.clock();
    const d = this.data(scope);
    d.rateLimitedCount++;
    d.last429At = now;
    let wait = retryAfterMs;
    if (wait === null) {
      // No Retry-After: use the reset of an exhausted window if the headers gave one.
      for (const w of d.windows.values()) {
        if (w.remaining !== null && w.remaining <= 0 && w.resetAt !== null && w.resetAt > now) wait = Math.max(wait ?? 0, w.resetAt - now);
      }
    }
    if (wait === null || wait <= 0) wait = fallbackMs;
    if (wait > 0) d.blockedUntil = Math.max(d.blockedUntil ?? 0, now + wait);
    return wait;
  }

  /** How long a request in this scope should wait before it is sent (0 = go). */
  delayFor(scope: string): number {
    const d = this.scopes.get(scope);
    if (!d) return 0;
    const now = this.clock();
    let wait = 0;
    if (d.blockedUntil !== null) {
      if (d.blockedUntil > now) wait = d.blockedUntil - now;
      else d.blockedUntil = null;
    }
    for (const w of d.windows.values()) {
      if (w.resetAt !== null && w.resetAt <= now) {
        // window rolled over: the old remaining no longer applies
        w.remaining = w.limit;
        w.resetAt = null;
        continue;
      }
      if (w.remaining !== null && w.remaining <= this.reserve && w.resetAt !== null) wait = Math.max(wait, w.resetAt - now);
    }
    return wait;
  }

  /** Count one request against the scope's live windows. */
  consume(scope: string): void {
    const d = this.data(scope);
    d.requestCount++;
    for (const w of d.windows.values()) if (w.remaining !== null) w.remaining = Math.max(0, w.remaining - 1);
  }

  noteThrottled(scope: string): void {
    this.data(scope).throttledCount++;
  }

  snapshot(): RateLimitSnapshot {
    const now = this.clock();
    const scopes: Record<string, RateLimitScopeState> = {};
    let total429 = 0;
    for (const [scope, d] of this.scopes) {
      total429 += d.rateLimitedCount;
      const windows = [...d.windows.values()].map((w) => ({ ...w }));
      let remaining: number | null = null;
      let paceMs: number | null = null;
      for (const w of windows) {
        const live = w.resetAt === null || w.resetAt > now;
        if (!live || w.remaining === null) continue;
        remaining = remaining === null ? w.remaining : Math.min(remaining, w.remaining);
        if (w.resetAt !== null) {
          const p = (w.resetAt - now) / Math.max(1, w.remaining);
          paceMs = Math.max(paceMs ?? 0, Math.ceil(p));
        }
      }
      scopes[scope] = {
        scope,
        windows,
        remaining,
        blockedUntil: d.blockedUntil !== null && d.blockedUntil > now ? d.blockedUntil : null,
        paceMs,
        rateLimitedCount: d.rateLimitedCount,
        last429At: d.last429At,
        throttledCount: d.throttledCount,
        requestCount: d.requestCount,
      };
    }
    return { at: now, scopes, total429 };
  }
}
