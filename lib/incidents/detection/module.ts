import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { PollerModule } from "@/lib/poller/types";
import { loadEnv } from "@/lib/env";
import { loadDetectionConfig, type DetectionConfig } from "@/lib/incidents/detection/config";
import { classifyNewLogLines, recordUnexplainedExitsAndRestarts } from "@/lib/incidents/detection/crashes";
import { recordSystemLineCrashes } from "@/lib/incidents/detection/system-crashes";
import { gatherDetectionFacts, updateQueuedVerdicts } from "@/lib/incidents/detection/verdicts";
import { runIncidentLifecycle } from "@/lib/incidents/detection/incidents";
import { releaseStuckNotifications, sendDueNotifications, type NotifySenderOptions } from "@/lib/incidents/detection/notify";

export interface EndpointDetectionSummary {
  endpointId: string;
  lines: number;
  crashEvents: number;
  queued: number;
  flagged: number;
  verdictsChanged: number;
  opened: number;
  regressed: number;
  resolved: number;
}

/**
 * One detection pass for one endpoint, in this order: classify new log lines → crash events; container runs
 * that RunPod's system lines show ended badly → crash events; unexplained exits/restarts → crash events; incident lifecycle; verdicts and flags of the IN_QUEUE jobs.
 */
export async function detectEndpoint(prisma: PrismaClient, endpointId: string, now: Date, cfg: DetectionConfig): Promise<EndpointDetectionSummary> {
  const logs = await classifyNewLogLines(prisma, endpointId, cfg);
  const system = await recordSystemLineCrashes(prisma, endpointId, cfg);
  const other = await recordUnexplainedExitsAndRestarts(prisma, endpointId, now, cfg);
  const facts = await gatherDetectionFacts(prisma, endpointId, now, cfg);
  const life = await runIncidentLifecycle(prisma, endpointId, now, cfg, facts);
  const v = await updateQueuedVerdicts(prisma, endpointId, now, cfg, facts, life.openByFingerprint);
  return {
    endpointId,
    lines: logs.lines,
    crashEvents: logs.events.length + system.length + other.length,
    queued: v.queued,
    flagged: v.flagged,
    verdictsChanged: v.changed,
    opened: life.opened.length,
    regressed: life.regressed.length,
    resolved: life.resolved.length,
  };
}

export interface DetectionModuleOptions {
  everyMs?: number;
  /** Overrides over AppSetting "detection.rules" (tests). */
  config?: Partial<DetectionConfig>;
  onPass?: (s: EndpointDetectionSummary[]) => void;
}

/** Poller module "detection": runs detectEndpoint for every endpoint this poller leases, after the poll work of the tick. */
export function createDetectionModule(opts: DetectionModuleOptions = {}): PollerModule {
  return {
    name: "detection",
    everyMs: opts.everyMs ?? 2_000,
    async run(ctx) {
      if (!ctx.endpoints.length) return;
      const { config, error } = await loadDetectionConfig(ctx.prisma, opts.config);
      if (error) await ctx.recordError({ operation: "module:detection", error: new Error(error) });
      const out: EndpointDetectionSummary[] = [];
      for (const endpointId of ctx.endpoints) {
        try {
          out.push(await detectEndpoint(ctx.prisma, endpointId, new Date(ctx.clock.now()), config));
        } catch (err) {
          await ctx.recordError({ endpointId, operation: "detection", error: err });
        }
      }
      opts.onPass?.(out);
    },
  };
}

export interface NotifyModuleOptions extends Omit<NotifySenderOptions, "url" | "log"> {
  /** Default: NOTIFY_WEBHOOK_URL. */
  url?: string | null;
  everyMs?: number;
}

/** Poller module "notifications" (one poller at a time): delivers the incident outbox to NOTIFY_WEBHOOK_URL. */
export function createNotificationModule(opts: NotifyModuleOptions = {}): PollerModule {
  return {
    name: "notifications",
    everyMs: opts.everyMs ?? 2_000,
    scope: "cluster",
    async run(ctx) {
      const url = opts.url !== undefined ? opts.url : loadEnv().NOTIFY_WEBHOOK_URL;
      if (!url) return;
      const now = new Date(ctx.clock.now());
      await releaseStuckNotifications(ctx.prisma, now);
      const r = await sendDueNotifications(ctx.prisma, now, { ...opts, url, log: ctx.log });
      if (r.skipped) await ctx.recordError({ operation: "notifications", error: new Error(r.skipped) });
    },
  };
}

/** What lib/poller/modules.ts registers. */
export const detectionModules: PollerModule[] = [createDetectionModule(), createNotificationModule()];
