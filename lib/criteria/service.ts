import "server-only";
import { createCtx } from "@/lib/ctx";
import { getPrisma } from "@/lib/db";
import type { Principal } from "@/lib/auth/principal";
import {
  attestCriterion,
  createCriterion,
  evaluateAllCriteria,
  getCriterion,
  listCriteriaView,
  updateCriterion,
  type CreateCriterionInput,
  type UpdateCriterionInput,
} from "@/lib/criteria/evaluation";
import { getOverview } from "@/lib/data/overview";
import { submitJob } from "@/lib/jobs/service";
import { listSmokeRuns, runSmokeNow, getSmokeSettings, setSmokeSettings, type SmokeSettingsInput } from "@/lib/criteria/smoke";
import { recordAudit } from "@/lib/data/audit";
import { buildCriteriaReport } from "./report";

/**
 * The criteria and overview functions route handlers and server components call, bound to the
 * shared Prisma client (lib/data functions take the client first so tests and the poller pass theirs).
 */

export const readCriteria = (q: { endpointId?: string; days?: number } = {}) => listCriteriaView(getPrisma(), q);
export const readCriterion = (id: string, q: { endpointId?: string } = {}) => getCriterion(getPrisma(), id, q);
export const addCriterion = (input: CreateCriterionInput, actor: Principal) => createCriterion(getPrisma(), input, actor);
export const editCriterion = (id: string, input: UpdateCriterionInput, actor: Principal) => updateCriterion(getPrisma(), id, input, actor);
export const attest = (id: string, input: { link?: string | null; note?: string | null }, actor: Principal) => attestCriterion(getPrisma(), id, input, actor);
export const readOverview = () => getOverview(getPrisma());

export async function evaluateNow(): Promise<{ evaluations: number; at: string }> {
  const now = new Date();
  const evaluations = await evaluateAllCriteria(getPrisma(), now);
  return { evaluations, at: now.toISOString() };
}

export async function renderCriteriaReport(q: { endpointId?: string; days?: number }, origin?: string): Promise<string> {
  const view = await readCriteria(q);
  return buildCriteriaReport({
    criteria: view.criteria,
    now: new Date(view.generatedAt),
    origin,
    evaluatedAt: view.evaluatedAt,
    endpointName: view.endpointId ? (view.endpoints.find((e) => e.id === view.endpointId)?.name ?? view.endpointId) : null,
  });
}

export const readSmokeRuns = (q: { endpointId?: string; limit?: number }) => listSmokeRuns(getPrisma(), q);

/** A smoke job now, through the web server's RunPod client (the poller then tracks the job). */
export function smokeNow(endpointId: string) {
  const prisma = getPrisma();
  return runSmokeNow(prisma, endpointId, new Date(), async (id, input) => {
    const job = await submitJob({ endpointId: id, input, source: "smoke" }, createCtx({ db: prisma }));
    return { id: job.id, status: job.status };
  });
}

/** Opts an endpoint in to (or out of) smoke jobs; audited. */
export async function readSmokeSettings(endpointId: string) {
  return getSmokeSettings(getPrisma(), endpointId);
}

export async function configureSmoke(endpointId: string, input: SmokeSettingsInput, actor: Principal) {
  const r = await setSmokeSettings(getPrisma(), endpointId, input);
  await recordAudit({ actor, action: "endpoint.smoke_settings", targetType: "endpoint", targetId: endpointId, detail: { optIn: r.optIn, input: r.input, expect: r.expect } });
  return r;
}
