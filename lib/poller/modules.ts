/**
 * The poller's module registry: periodic work that runs inside the tick without touching the runner (lib/poller/runner.ts).
 * To add one: write `export const myModule: PollerModule = { name, everyMs, scope?, run(ctx) }`
 * (see lib/poller/types.ts for PollerContext) and add it to POLLER_MODULES below, or call
 * registerPollerModule(myModule) before the poller starts. A module that throws is logged and
 * recorded as a PollError (operation "module:<name>"); the poller goes on.
 */
import type { PollerModule } from "@/lib/poller/types";
import { retentionModule } from "@/lib/poller/tasks/retention";
import { demoTrafficModule } from "@/lib/poller/tasks/demo-traffic";
import { sweepControllerModule } from "@/lib/sweeps/module";
import { demoSweepsModule } from "@/lib/sweeps/demo-sweeps";
import { criteriaEvaluatorModule, smokeJobsModule } from "@/lib/criteria/modules";
import { detectionModules } from "@/lib/incidents/detection/module";
import { damageModules } from "@/lib/damage/module";

export const POLLER_MODULES: PollerModule[] = [
  retentionModule,
  demoTrafficModule,
  demoSweepsModule,
  sweepControllerModule,
  smokeJobsModule,
  criteriaEvaluatorModule,
  ...detectionModules,
  ...damageModules,
  // detection, sweep controller, criteria evaluator, smoke jobs: add yours here.
];

const extra = new Map<string, PollerModule>();

/** Adds (or replaces, by name) a module for pollers created after this call. */
export function registerPollerModule(m: PollerModule): void {
  if (!m.name || !(m.everyMs > 0) || typeof m.run !== "function") throw new Error("registerPollerModule: a module needs a name, everyMs > 0 and run(ctx)");
  extra.set(m.name, m);
}

export function listPollerModules(): PollerModule[] {
  const byName = new Map(POLLER_MODULES.map((m) => [m.name, m]));
  for (const [name, m] of extra) byName.set(name, m);
  return [...byName.values()];
}
