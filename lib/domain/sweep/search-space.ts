import { canonicalKey } from "./canonical";
import { describeLeaf, discreteDomain, sampleLeaf, type DiscreteDomain } from "./distributions";
import type { Rng } from "@/lib/domain/prng";
import type { DistributionName, LeafParam, ParamNode, Params, SweepConfig } from "./types";

export interface FlatParam {
  /** dotted display path inside the params object, e.g. "optimizer.lr" */
  path: string;
  segments: string[];
  spec: LeafParam;
}

/**
 * Leaves of the parameter tree, sorted by path. Sorted (not declaration) order keeps
 * grid order and seeded draws stable after the config went through Postgres jsonb,
 * which does not keep key order; W&B sorts the same way.
 */
export function flattenParameters(parameters: Record<string, ParamNode>): FlatParam[] {
  const out: FlatParam[] = [];
  const walk = (node: Record<string, ParamNode>, prefix: string[]) => {
    for (const [name, p] of Object.entries(node)) {
      const segments = [...prefix, name];
      if ("parameters" in p) walk(p.parameters, segments);
      else out.push({ path: segments.join("."), segments, spec: p });
    }
  };
  walk(parameters, []);
  return out.sort((a, b) => cmpSegments(a.segments, b.segments));
}

function cmpSegments(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length - b.length;
}

export function setAtSegments(target: Params, segments: readonly string[], value: unknown): void {
  let cur: Record<string, unknown> = target;
  for (let i = 0; i < segments.length - 1; i++) {
    const next = cur[segments[i]];
    if (next === null || typeof next !== "object" || Array.isArray(next)) cur[segments[i]] = {};
    cur = cur[segments[i]] as Record<string, unknown>;
  }
  cur[segments[segments.length - 1]] = value;
}

export function getAtSegments(params: Params, segments: readonly string[]): { found: boolean; value?: unknown } {
  let cur: unknown = params;
  for (const s of segments) {
    if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.hasOwn(cur, s)) return { found: false };
    cur = (cur as Record<string, unknown>)[s];
  }
  return { found: true, value: cur };
}

export type ParamKind = "constant" | "discrete" | "continuous";

export interface SearchSpaceParam {
  path: string;
  segments: string[];
  kind: ParamKind;
  distribution: DistributionName;
  description: string;
  /** number of distinct values when discrete */
  count: number | null;
}

export interface SearchSpace {
  parameters: SearchSpaceParam[];
  /** number of distinct combinations; null when any parameter is continuous (infinite) */
  gridSize: number | null;
  /** every combination in grid order; present when gridSize is finite */
  combinations?: Iterable<Params>;
}

export function expandSearchSpace(config: Pick<SweepConfig, "parameters">): SearchSpace {
  const flat = flattenParameters(config.parameters);
  const domains = flat.map((f) => discreteDomain(f.spec));
  const parameters: SearchSpaceParam[] = flat.map((f, i) => ({
    path: f.path,
    segments: f.segments,
    kind: f.spec.distribution === "constant" ? "constant" : domains[i] ? "discrete" : "continuous",
    distribution: f.spec.distribution,
    description: describeLeaf(f.spec),
    count: domains[i]?.count ?? null,
  }));
  if (domains.some((d) => d === null)) return { parameters, gridSize: null };
  const ds = domains as DiscreteDomain[];
  const gridSize = ds.reduce((n, d) => n * d.count, 1);
  return {
    parameters,
    gridSize,
    combinations: { [Symbol.iterator]: () => iterateGrid(flat, ds, gridSize) },
  };
}

function* iterateGrid(flat: FlatParam[], ds: DiscreteDomain[], size: number): Generator<Params> {
  for (let i = 0; i < size; i++) yield gridPointAt(flat, ds, i);
}

/** The combination at a grid index: mixed radix with the last (sorted) parameter varying fastest, like itertools.product. */
export function gridPointAt(flat: FlatParam[], ds: DiscreteDomain[], index: number): Params {
  const out: Params = {};
  let rest = index;
  const picks = new Array<unknown>(flat.length);
  for (let j = flat.length - 1; j >= 0; j--) {
    const c = ds[j].count;
    picks[j] = ds[j].at(rest % c);
    rest = Math.floor(rest / c);
  }
  flat.forEach((f, j) => setAtSegments(out, f.segments, picks[j]));
  return out;
}

/** Grid index of a params object, or -1 when it is not a point of this grid. */
export function gridIndexOf(flat: FlatParam[], ds: DiscreteDomain[], params: Params): number {
  let index = 0;
  for (let j = 0; j < flat.length; j++) {
    const got = getAtSegments(params, flat[j].segments);
    const k = got.found ? ds[j].indexOf(got.value) : -1;
    if (k < 0) return -1;
    index = index * ds[j].count + k;
  }
  return index;
}

export const GRID_POINTS_LIMIT = 1_000_000;

/** All grid combinations in order; throws for continuous spaces or more than GRID_POINTS_LIMIT points. */
export function gridPoints(config: Pick<SweepConfig, "parameters">): Params[] {
  const space = expandSearchSpace(config);
  if (space.gridSize === null || !space.combinations) {
    const cont = space.parameters.filter((p) => p.kind === "continuous").map((p) => p.path);
    throw new Error(`no finite grid: continuous parameters ${cont.join(", ")}`);
  }
  if (space.gridSize > GRID_POINTS_LIMIT)
    throw new Error(`the grid has ${space.gridSize} points; iterate expandSearchSpace(config).combinations instead`);
  return [...space.combinations];
}

export function sampleParams(flat: FlatParam[], rng: Rng): Params {
  const out: Params = {};
  for (const f of flat) setAtSegments(out, f.segments, sampleLeaf(f.spec, rng));
  return out;
}

/** Identity of a params object restricted to the config's parameters (extra keys in history are ignored). */
export function paramsKey(flat: FlatParam[], params: Params): string {
  return flat.map((f) => canonicalKey(getAtSegments(params, f.segments).value)).join("|");
}
