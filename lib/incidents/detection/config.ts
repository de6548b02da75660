import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { CrashLoopRuleConfigSchema, type CrashLoopRuleConfig } from "@/lib/domain/crash";

/**
 * Detection settings: the crash-loop rule (lib/domain/crash CrashLoopRuleConfigSchema) plus how the
 * detection module reads its inputs. Stored as JSON in AppSetting "detection.rules" (partial; missing
 * keys take the defaults). See docs/detection.md.
 */
export const DetectionConfigSchema = CrashLoopRuleConfigSchema.extend({
  /** A restart or wrapper exit with no classified crash log of that worker is turned into a crash event only after this grace (its logs may still arrive). */
  explainGraceMs: z.number().int().nonnegative().default(45_000),
  /** An incident also auto-resolves this long after its last crash when a job of the endpoint completed after that crash (the endpoint visibly recovered). */
  recoveredQuietMs: z.number().int().positive().default(2 * 60_000),
  /** Lines of the worker before the cursor re-read as context, so a crash split across two reads is still one crash. */
  lookbackLines: z.number().int().min(0).max(200).default(24),
  /** Max new log lines classified per endpoint per pass (the rest waits for the next pass). */
  maxLinesPerPass: z.number().int().min(100).max(100_000).default(20_000),
  /** The same output line from ingest, RunPod's stream and an upload is one line when its times are this close (same worker, same normalised text). */
  duplicateToleranceMs: z.number().int().min(0).max(10 * 60_000).default(5_000),
  /** Alerts without a classifier (0 disables one): the oldest IN_QUEUE job is older than this. */
  alertQueueAgeMs: z.number().int().min(0).default(30 * 60_000),
  /** The queue grew by at least this many jobs over alertQueueGrowthWindowMs with no completion. */
  alertQueueGrowth: z.number().int().min(0).default(5),
  alertQueueGrowthWindowMs: z.number().int().positive().default(10 * 60_000),
  /** Completions in the last alertRateWindowMs fell below this share of the same-length baseline of the previous 24 h (needs alertRateMinBaseline completions per window). */
  alertRateDropPct: z.number().min(0).max(100).default(50),
  alertRateWindowMs: z.number().int().positive().default(30 * 60_000),
  alertRateMinBaseline: z.number().int().min(1).default(10),
});
export type DetectionConfig = z.infer<typeof DetectionConfigSchema>;

export const DETECTION_SETTINGS_KEY = "detection.rules";
export const DEFAULT_DETECTION_CONFIG: DetectionConfig = DetectionConfigSchema.parse({});

export function parseDetectionConfig(input: unknown): DetectionConfig {
  return DetectionConfigSchema.parse(input ?? {});
}

export function ruleConfigOf(cfg: DetectionConfig): CrashLoopRuleConfig {
  const { windowMs, minCrashes, minWorkers, suspectAfterMs, minRestarts, coldStartMaxMs, quietMs, maxBackoffGapMs, staleMs } = cfg;
  return { windowMs, minCrashes, minWorkers, suspectAfterMs, minRestarts, coldStartMaxMs, quietMs, maxBackoffGapMs, staleMs };
}

/**
 * Reads AppSetting "detection.rules". A bad stored value does not stop detection: the defaults are used
 * and the problem is returned so the caller can record it.
 */
export async function loadDetectionConfig(prisma: PrismaClient, overrides: Partial<DetectionConfig> = {}): Promise<{ config: DetectionConfig; error: string | null }> {
  const row = await prisma.appSetting.findUnique({ where: { key: DETECTION_SETTINGS_KEY }, select: { value: true } });
  const stored = row?.value && typeof row.value === "object" && !Array.isArray(row.value) ? (row.value as Record<string, unknown>) : {};
  const parsed = DetectionConfigSchema.safeParse({ ...stored, ...overrides });
  if (parsed.success) return { config: parsed.data, error: null };
  const why = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  return { config: parseDetectionConfig(overrides), error: `AppSetting ${DETECTION_SETTINGS_KEY} is invalid (${why}); using defaults` };
}
