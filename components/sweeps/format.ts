// Formatting for the sweeps pages (pure; shared by server and client so both render the same text).

/** A metric value: 4 significant digits, exponent for very small or large magnitudes. */
export function formatMetric(v: number | null | undefined): string {
  if (v === null || v === undefined) return "—";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e7)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

/** A parameter value as it appears in a table cell. */
export function formatParam(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return formatMetric(v);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** Reads a flattened (dotted) parameter path out of a trial's nested params. */
export function paramAt(params: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(params, path)) return params[path];
  let cur: unknown = params;
  for (const seg of path.split(".")) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Percent of a progress, clamped, or null when the total is unknown. */
export function progressPercent(done: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  return Math.max(0, Math.min(100, (done / total) * 100));
}
