// Constants shared by the sweep page's server part (prefetch) and client part (polling):
// a plain module, because values exported from a "use client" module are references on the server.
import type { SweepState } from "@/lib/api/specs/sweeps";
import { LIVE_SWEEP_STATES as LIVE } from "@/lib/domain/sweep/states";

/** Sweep states whose trials still change: the page polls fast. */
export const LIVE_SWEEP_STATES: readonly SweepState[] = LIVE;

/** Point budget of the analysis (history buckets, parallel-coordinates sample, timeline sample). */
export const ANALYSIS_POINTS = 1000;

/** What the sweep list shows; the server page prefetches with the same params. */
export const SWEEP_LIST_PARAMS = { limit: 100 };
