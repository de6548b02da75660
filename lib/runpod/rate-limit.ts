/**
 * Rate-limit bookkeeping for the RunPod client: parses `Retry-After`, the IETF
 * `RateLimit` / `RateLimit-Policy` structured-field headers (docs/runpod-api.md 4.1),
 * and the older `RateLimit-Limit/-Remaining/-Reset` form, and keeps a per-scope
 * budget so callers hold requests instead of earning 429s.
 *
 * Scopes: `management` (per-user quota of the v2 API) and `jobs:<endpointId>`
 * (the jobs API limits are per endpoint).
 */

export type Clock = () => number;

// ---- RFC 8941 structured fields (the subset these headers use) --------------

type BareItem = string | number | boolean;
export interface SfItem {
  value: BareItem;
  params: Record<string, BareItem>;
}

/** Parses a structured-field List (or Dictionary, whose keys come back as token values). Never throws. */
export function parseSfList(input: string): SfItem[] {
  const out: SfItem[] = [];
  let i = 0;
  const s = input;
  const ws = () => {
    while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
  };
  const bare = (): BareItem | undefined => {
    const c = s[i];
    if (c === '"') {
      i++;
      let v = "";
      while (i < s.length && s[i] !== '"') {
        if (s[i] === "\\" && i + 1 < s.length) i++;
        v += s[i++];
      }
      i++;
      return v;
    }
    if (c === "?") {
      i++;
      return s[i++] === "1";
    }
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) {
      const m = /^-?\d+(\.\d+)?/.exec(s.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    }
    const m = /^[A-Za-z*][A-Za-z0-9_\-.:%*/!#$&'^`|~+]*/.exec(s.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const key = (): string | undefined => {
    const m = /^[a-z*][a-z0-9_\-.*]*/i.exec(s.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return m[0].toLowerCase();
  };
  while (i < s.length) {
    ws();
    const start = i;
    let value = bare();
    const params: Record<string, BareItem> = {};
    // Dictionary member `key=value`: keep the key as the item value and the value as param "=".
    if (typeof value === "string" && s[i] === "=" && s[start] !== '"') {
      i++;
      const v = bare();
      if (v !== undefined) params["="] = v;
    }
    while (s[i] === ";") {
      i++;
      ws();
      const k = key();
      if (!k) break;
      if (s[i] === "=") {
        i++;
        const v = bare();
        params[k] = v ?? true;
      } else params[k] = true;
    }
    if (value === undefined) value = "";
    out.push({ value, params });
    // skip to the next top-level comma (tolerates garbage)
    let inQuote = false;
    while (i < s.length && (inQuote || s[i] !== ",")) {
      if (s[i] === '"') inQuote = !inQuote;
      i++;
    }
    i++;
  }
  return out;
}

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

/** Reads every rate-limit header form into a list of named windows. */
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
    for (const it of parseSfList(policy)) {
      if (typeof it.value === "number") {
        // draft-07: `100;w=10`
        const w = get("default");
        w.limit = it.value;
        w.windowSeconds = num(it.params.w);
      } else if (typeof it.value === "string" && it.value !== "") {
        const w = get(it.value);
        if (num(it.params.q) !== null) w.limit = num(it.params.q);
        if (num(it.params.w) !== null) w.windowSeconds = num(it.params.w);
      }
    }
  }

  const rl = headers.get("ratelimit");
  if (rl) {
    const items = parseSfList(rl);
    const dict = items.some((it) => "=" in it.params);
    if (dict) {
      // draft-07 dictionary: `limit=100, remaining=50, reset=5`
      const w = get("default");
      for (const it of items) {
        const v = num(it.params["="]);
        if (it.value === "limit") w.limit = v;
        else if (it.value === "remaining") w.remaining = v;
        else if (it.value === "reset") w.resetSeconds = v;
      }
    } else {
      for (const it of items) {
        if (typeof it.value !== "string" || it.value === "") continue;
        const w = get(it.value);
        if (num(it.params.r) !== null) w.remaining = num(it.params.r);
        if (num(it.params.t) !== null) w.resetSeconds = num(it.params.t);
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
