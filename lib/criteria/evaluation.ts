import type { PrismaClient } from "@/lib/db";
import type { Ctx } from "@/lib/ctx";
import { applyHysteresis, combineResults, evaluateRule, parseRuleParams, type EndpointFacts, type RuleResult } from "@/lib/domain/criteria/rules";
import { findCriteriaToEvaluate, findLatestEvaluation, findStateBefore, gatherEndpointFacts, writeEvaluation } from "@/lib/criteria/repository";

/**
 * The criteria engine: judges every enabled criterion on the facts the repository gathers and stores
 * the result with its hysteresis and hourly history.
 */

/** History keeps one row per state change and per hour; within an hour the newest row is updated in place. */
const HISTORY_SAMPLE_MS = 60 * 60_000;

async function storeEvaluation(prisma: PrismaClient, criterionId: bigint, endpointId: string | null, raw: RuleResult, now: Date) {
  const latest = await findLatestEvaluation(prisma, criterionId, endpointId);
  let result = raw;
  if (latest && latest.state === "fail" && raw.state === "pass") {
    const before = await findStateBefore(prisma, criterionId, endpointId, latest.since ?? latest.at);
    result = applyHysteresis({ state: "fail", since: latest.since ?? latest.at, previousState: before }, raw, now);
  }
  const changed = !latest || latest.state !== result.state;
  const since = changed ? (result.since ?? now) : (latest.since ?? result.since ?? now);
  const data = {
    at: now,
    state: result.state,
    since,
    summary: result.summary,
    evidence: result.evidence as unknown as object,
    countdownEndsAt: result.countdownEndsAt ?? null,
    resetReason: result.resetReason ?? null,
  };
  const sameHour = latest && Math.floor(latest.at.getTime() / HISTORY_SAMPLE_MS) === Math.floor(now.getTime() / HISTORY_SAMPLE_MS);
  await writeEvaluation(prisma, { criterionId, endpointId }, data, !changed && latest && sameHour ? latest.id : null);
}

/**
 * Evaluates every enabled criterion now and records the result: the newest row is updated in
 * place while the state holds within the hour (so the page shows live evidence), and a new row
 * starts on every state change and every hour (the history and the weekly trend).
 */
export async function evaluateAllCriteria(opts: { criterionIds?: string[] }, ctx: Ctx<unknown>): Promise<number> {
  const prisma = ctx.db;
  const now = ctx.now();
  const [criteria, endpoints] = await findCriteriaToEvaluate(prisma, opts.criterionIds);
  const factsCache = new Map<string, EndpointFacts | null>();
  const factsFor = async (id: string) => {
    if (!factsCache.has(id)) factsCache.set(id, await gatherEndpointFacts(prisma, id, now));
    return factsCache.get(id) ?? null;
  };
  let written = 0;
  for (const c of criteria) {
    const parsed = parseRuleParams(c.rule, c.params);
    if (!parsed.ok) {
      await storeEvaluation(prisma, c.id, c.endpointId, { state: "unknown", summary: `Misconfigured: ${parsed.error}`, evidence: [] }, now);
      written++;
      continue;
    }
    const attestations = c.attestations.map((a) => ({ id: String(a.id), by: a.attestedBy, at: a.attestedAt, link: a.link }));
    const scope = c.endpointId ? [c.endpointId] : endpoints.map((e) => e.id);
    const perEndpoint: { endpointId: string; endpointName: string; result: RuleResult }[] = [];
    for (const id of scope) {
      const facts = await factsFor(id);
      if (!facts) continue;
      perEndpoint.push({ endpointId: id, endpointName: facts.endpointName, result: evaluateRule(parsed.rule, parsed.params, { ...facts, attestations }, now) });
    }
    if (parsed.rule === "attestation" && perEndpoint.length === 0) {
      const empty: EndpointFacts = { endpointId: "", endpointName: "", watchedSince: now, deployment: null, deployments: [], workerReadyAt: null, crashes: [], restarts: [], healthPolls: [], smokeRuns: [], sweeps: [], jobs: [], incidents: [], attestations };
      perEndpoint.push({ endpointId: "", endpointName: "all", result: evaluateRule("attestation", parsed.params, empty, now) });
    }
    const combined = parsed.rule === "attestation" ? perEndpoint[0].result : combineResults(perEndpoint);
    await storeEvaluation(prisma, c.id, c.endpointId, combined, now);
    written++;
    if (!c.endpointId && parsed.rule !== "attestation") {
      for (const r of perEndpoint) {
        await storeEvaluation(prisma, c.id, r.endpointId, r.result, now);
        written++;
      }
    }
  }
  return written;
}

