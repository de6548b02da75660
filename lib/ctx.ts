import { getPrisma, type PrismaClient } from "@/lib/db";
import type { Principal } from "@/lib/auth/principal";
import type { RunpodClient } from "@/lib/runpod/client";
import { getDefaultRunpodClient } from "@/lib/data/runpod-client";

/**
 * What every feature function receives besides its input: `fn(input, ctx)` (CONTRIBUTING.md, "Feature
 * slices"). Route handlers get one from apiRoute, the poller builds one per tick (lib/poller/ctx.ts), tests
 * build theirs with createCtx. `R` narrows the RunPod client to the methods a function needs, so a
 * poller's client (a subset) or a test's stub can be passed where only those are called.
 */
export interface Ctx<R = RunpodClient> {
  /** The database: the shared client, or the one a test or the poller was given. */
  db: PrismaClient;
  /** The clock: the simulator's virtual one in poller tests, the wall clock elsewhere. */
  now: () => Date;
  /** Who acts: the signed-in user or API token; null for background work that names no one. */
  principal: Principal | null;
  /** The RunPod client, made on first use: building it may fail (no API key outside demo mode). */
  runpod: () => R;
}

export interface CtxParts<R> {
  db?: PrismaClient;
  now?: () => Date;
  principal?: Principal | null;
  runpod?: R | (() => R);
}

/** A context from what the caller has; the rest defaults to the shared database, the wall clock and the configured RunPod client, each made on first use. */
export function createCtx<R = RunpodClient>(parts: CtxParts<R> = {}): Ctx<R> {
  const r = parts.runpod;
  let client: R | undefined;
  let db = parts.db;
  return {
    // opened on first use: a route that fails validation, or needs no database, never opens one
    get db() {
      return (db ??= getPrisma());
    },
    now: parts.now ?? (() => new Date()),
    principal: parts.principal ?? null,
    runpod: typeof r === "function" ? (r as () => R) : r !== undefined ? () => r : () => (client ??= getDefaultRunpodClient() as R),
  };
}

/** The principal a function records as the actor (audit, notes); a context without one is a programming error. */
export function actorOf(ctx: Pick<Ctx<unknown>, "principal">): Principal {
  if (!ctx.principal) throw new Error("this action needs a principal in its context (createCtx({ principal }))");
  return ctx.principal;
}

/**
 * The same context with its clock stopped at `at` (every row one operation writes carries that time)
 * and/or another principal. The database still opens on first use: unlike `{ ...ctx }`, this does not
 * read `db` up front.
 */
export function ctxWith<R>(ctx: Ctx<R>, over: { at?: Date; principal?: Principal | null }): Ctx<R> {
  const at = over.at;
  return {
    get db() {
      return ctx.db;
    },
    now: at ? () => at : ctx.now,
    principal: over.principal !== undefined ? over.principal : ctx.principal,
    runpod: ctx.runpod,
  };
}
