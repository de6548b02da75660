import "server-only";
import type { z } from "zod";
import type { PrismaClient } from "@/lib/db";
import { actorOf, type Ctx, ctxWith } from "@/lib/ctx";
import { recordAudit } from "@/lib/data/audit";
import { AppError } from "@/lib/http/errors";
import { RULE_DESCRIPTIONS, RULE_NAMES, RuleParamSchemas, type Horizon, type RuleName } from "@/lib/domain/criteria/rules";
import { getOverview } from "@/lib/data/overview";
import { submitJob } from "@/lib/jobs/service";
import { evaluateAllCriteria } from "@/lib/criteria/evaluation";
import { findCriterionRow, getCriterion, listCriteria, listCriteriaView, type CriterionDetailDto, type CriterionDto } from "@/lib/criteria/repository";
import { listSmokeRuns, runSmokeNow, getSmokeSettings, setSmokeSettings, type SmokeSettingsInput } from "@/lib/criteria/smoke";
import { buildCriteriaReport } from "./report";

/**
 * Service of criteria: creating, editing and attesting criteria (validation, audit, re-evaluation),
 * evaluating on demand, the Markdown report, smoke-job settings and runs; and the overview the home
 * page shows. Reads without rules are in repository.ts.
 */

/** Validates a rule's params strictly (unknown keys are errors): 422 naming `body.params.<field>`. */
export function validateRuleParams(rule: string, params: unknown, pathPrefix = "body.params"): Record<string, unknown> {
  if (!(RULE_NAMES as string[]).includes(rule)) {
    throw new AppError("validation_failed", `Unknown rule "${rule}".`, { issues: [{ path: "body.rule", message: `must be one of ${RULE_NAMES.join(", ")}` }] });
  }
  const schema = RuleParamSchemas[rule as RuleName] as unknown as z.ZodObject;
  const parsed = schema.strict().safeParse(params ?? {});
  if (!parsed.success) {
    throw new AppError("validation_failed", "Invalid criterion parameters.", {
      issues: parsed.error.issues.map((i) => ({ path: [pathPrefix, ...i.path.map(String)].join("."), message: i.message })),
    });
  }
  return parsed.data as Record<string, unknown>;
}

async function assertEndpoint(prisma: PrismaClient, endpointId: string | null | undefined) {
  if (!endpointId) return;
  const e = await prisma.endpoint.findUnique({ where: { id: endpointId }, select: { id: true } });
  if (!e) throw new AppError("validation_failed", `Endpoint "${endpointId}" is not known to sweepwatch.`, { issues: [{ path: "body.endpointId", message: "unknown endpoint" }] });
}

function slugify(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 100) || "criterion";
}

export interface CreateCriterionInput {
  key?: string;
  horizon: Horizon;
  title: string;
  description?: string;
  endpointId?: string | null;
  rule: string;
  params?: unknown;
  position?: number;
}

/** Creates a criterion from the typed rule set and evaluates it at once. */
export async function createCriterion(input: CreateCriterionInput, ctx: Ctx): Promise<CriterionDto> {
  const prisma = ctx.db;
  const now = ctx.now();
  actorOf(ctx); // refuse before anything is written or sent: the audit entry needs the principal
  const params = validateRuleParams(input.rule, input.params);
  await assertEndpoint(prisma, input.endpointId);
  const key = input.key ?? `${slugify(input.title)}-${now.getTime().toString(36)}`;
  if (await prisma.criterion.findUnique({ where: { key }, select: { id: true } })) {
    throw new AppError("conflict", `A criterion with key "${key}" exists already.`);
  }
  const position = input.position ?? ((await prisma.criterion.aggregate({ where: { horizon: input.horizon }, _max: { position: true } }))._max.position ?? 0) + 1;
  const row = await prisma.criterion.create({
    data: {
      key,
      horizon: input.horizon,
      title: input.title,
      description: input.description ?? RULE_DESCRIPTIONS[input.rule as RuleName],
      endpointId: input.endpointId ?? null,
      rule: input.rule,
      params: params as object,
      position,
    },
  });
  await recordAudit({ action: "criterion.create", targetType: "criterion", targetId: String(row.id), detail: { key, rule: input.rule, params } }, ctx);
  await evaluateAllCriteria({ criterionIds: [String(row.id)] }, ctxWith(ctx, { at: now }));
  const dto = (await listCriteria({}, ctx)).find((c) => c.id === String(row.id));
  return dto!;
}

export interface UpdateCriterionInput {
  title?: string;
  description?: string;
  horizon?: Horizon;
  enabled?: boolean;
  params?: unknown;
}

/** Edits a criterion (params are validated against its rule) and re-evaluates it at once. */
export async function updateCriterion(input: { id: string } & UpdateCriterionInput, ctx: Ctx): Promise<CriterionDto> {
  const prisma = ctx.db;
  const now = ctx.now();
  actorOf(ctx); // refuse before anything is written or sent: the audit entry needs the principal
  const { id, ...changes } = input;
  const row = await findCriterionRow(prisma, id);
  const params = changes.params === undefined ? undefined : validateRuleParams(row.rule, changes.params);
  await prisma.criterion.update({
    where: { id: row.id },
    data: {
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.horizon !== undefined ? { horizon: changes.horizon } : {}),
      ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
      ...(params !== undefined ? { params: params as object } : {}),
    },
  });
  await recordAudit({ action: "criterion.update", targetType: "criterion", targetId: id, detail: { ...changes, params } }, ctx);
  await evaluateAllCriteria({ criterionIds: [id] }, ctxWith(ctx, { at: now }));
  return (await listCriteria({}, ctx)).find((c) => c.id === id)!;
}

/** A person attests an attestation criterion (who = the caller, when = now) and it is re-evaluated. */
export async function attestCriterion(input: { id: string; link?: string | null; note?: string | null }, ctx: Ctx): Promise<CriterionDetailDto> {
  const prisma = ctx.db;
  const now = ctx.now();
  const actor = actorOf(ctx);
  const id = input.id;
  const row = await findCriterionRow(prisma, id);
  if (row.rule !== "attestation") throw new AppError("conflict", `"${row.title}" is checked from data (rule ${row.rule}); only attestation criteria take an attestation.`);
  const a = await prisma.attestation.create({
    data: { criterionId: row.id, attestedBy: actor.name.slice(0, 255), attestedAt: now, link: input.link || null, note: input.note || null },
  });
  await recordAudit({ action: "criterion.attest", targetType: "criterion", targetId: id, detail: { attestationId: String(a.id), link: input.link ?? null } }, ctx);
  await evaluateAllCriteria({ criterionIds: [id] }, ctxWith(ctx, { at: now }));
  return getCriterion({ id }, ctx);
}


export async function evaluateNow(_input: Record<string, never>, ctx: Ctx): Promise<{ evaluations: number; at: string }> {
  const now = ctx.now();
  const evaluations = await evaluateAllCriteria({}, ctxWith(ctx, { at: now }));
  return { evaluations, at: now.toISOString() };
}

export async function renderCriteriaReport(input: { endpointId?: string; days?: number; /** Absolute origin for links. */ origin?: string }, ctx: Ctx): Promise<string> {
  const view = await listCriteriaView({ endpointId: input.endpointId, days: input.days }, ctx);
  return buildCriteriaReport({
    criteria: view.criteria,
    now: new Date(view.generatedAt),
    origin: input.origin,
    evaluatedAt: view.evaluatedAt,
    endpointName: view.endpointId ? (view.endpoints.find((e) => e.id === view.endpointId)?.name ?? view.endpointId) : null,
  });
}

export const readOverview = (_input: Record<string, never>, ctx: Ctx) => getOverview(ctx.db, { now: ctx.now() });

export const readSmokeRuns = (input: { endpointId?: string; limit?: number }, ctx: Ctx) => listSmokeRuns(ctx.db, input);

/** A smoke job now, through the web server's RunPod client (the poller then tracks the job). */
export function smokeNow(input: { endpointId: string }, ctx: Ctx) {
  const prisma = ctx.db;
  return runSmokeNow(prisma, input.endpointId, ctx.now(), async (id, jobInput) => {
    const job = await submitJob({ endpointId: id, input: jobInput, source: "smoke" }, ctx);
    return { id: job.id, status: job.status };
  });
}

export async function readSmokeSettings(input: { endpointId: string }, ctx: Ctx) {
  return getSmokeSettings(ctx.db, input.endpointId);
}

/** Opts an endpoint in to (or out of) smoke jobs; audited. */
export async function configureSmoke(input: { endpointId: string } & SmokeSettingsInput, ctx: Ctx) {
  actorOf(ctx); // refuse before anything is written or sent: the audit entry needs the principal
  const { endpointId, ...settings } = input;
  const r = await setSmokeSettings(ctx.db, endpointId, settings);
  await recordAudit({ action: "endpoint.smoke_settings", targetType: "endpoint", targetId: endpointId, detail: { optIn: r.optIn, input: r.input, expect: r.expect } }, ctx);
  return r;
}
