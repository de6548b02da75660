// Dot/bracket paths into a job's output: `loss`, `metrics.val_loss`, `history[-1].loss`,
// `["val/loss"]`. Negative indices count from the end of a list.

export type PathSegment = string | number;

export function parseMetricPath(path: string): { ok: true; segments: PathSegment[] } | { ok: false; error: string } {
  const segs: PathSegment[] = [];
  let i = 0;
  const n = path.length;
  if (n === 0) return { ok: false, error: "the path is empty" };
  let expectName = true;
  while (i < n) {
    const c = path[i];
    if (c === "[") {
      const close = path.indexOf("]", i);
      if (close < 0) return { ok: false, error: `unclosed "[" at character ${i + 1}` };
      const inner = path.slice(i + 1, close).trim();
      const quoted = /^"(.*)"$|^'(.*)'$/.exec(inner);
      if (quoted) segs.push(quoted[1] ?? quoted[2]);
      else if (/^-?\d+$/.test(inner)) segs.push(Number(inner));
      else return { ok: false, error: `"[${inner}]" must be an integer index or a quoted key` };
      i = close + 1;
      expectName = false;
    } else if (c === ".") {
      if (expectName) return { ok: false, error: `empty name at character ${i + 1}` };
      i++;
      expectName = true;
      if (i >= n) return { ok: false, error: "the path ends with a dot" };
    } else {
      if (!expectName) return { ok: false, error: `expected "." or "[" at character ${i + 1}` };
      let j = i;
      while (j < n && path[j] !== "." && path[j] !== "[") j++;
      segs.push(path.slice(i, j));
      i = j;
      expectName = false;
    }
  }
  return { ok: true, segments: segs };
}

/** Human-readable problem with a path, or null when it is valid. */
export function checkMetricPath(path: string): string | null {
  const r = parseMetricPath(path);
  return r.ok ? null : r.error;
}

export function getAtPath(root: unknown, segments: readonly PathSegment[]): { found: true; value: unknown } | { found: false; at: number } {
  let cur: unknown = root;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (typeof seg === "number") {
      if (!Array.isArray(cur)) return { found: false, at: i };
      const idx = seg < 0 ? cur.length + seg : seg;
      if (idx < 0 || idx >= cur.length) return { found: false, at: i };
      cur = cur[idx];
    } else {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.hasOwn(cur, seg)) return { found: false, at: i };
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return { found: true, value: cur };
}
