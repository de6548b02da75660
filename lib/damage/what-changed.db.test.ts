import { readFileSync } from "node:fs";
import { createCtx } from "@/lib/ctx";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { submitJob } from "@/lib/jobs/service";
import { createDetectionModule } from "@/lib/incidents/detection/module";
import { setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";
import { createSettingsSnapshotModule } from "./module";
import { getCrashGroupDiff } from "./what-changed";

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

/** The demo's rollout endpoint exactly as scenarios/demo.yaml ships it (fix at minute 4, regression at minute 8). */
function demoRollout() {
  const doc = parse(readFileSync("scenarios/demo.yaml", "utf8")) as { endpoints: { id: string }[] };
  const ep: Record<string, unknown> = { ...doc.endpoints.find((e) => e.id === "demo-rollout")! };
  delete ep.id;
  return { ...ep, name: "rollout", traffic: undefined } as never;
}

describe("what changed", () => {
  it("names the image change of the demo rollout between the last good worker and the first crashed one", async () => {
    env = await setupPollerTest({ endpoints: [demoRollout()] });
    const e = env;
    const p = e.poller({ config: { workersIntervalMs: 5_000, logsIntervalMs: 5_000 }, modules: [createDetectionModule(), createSettingsSnapshotModule({ everyMs: 1_000 })] });
    await p.tick();
    const now = () => new Date(e.sim.clock.now());
    for (let t = 0; t < 9.5 * 60_000; t += 5_000) {
      // one job a minute after the fix, so a worker of the good release completes work
      if (t === 5 * 60_000 || t === 6 * 60_000) await submitJob({ endpointId: e.ep("rollout"), input: { x1: 1, x2: 2 } }, createCtx({ db: e.prisma, runpod: e.client, now: now }));
      await e.advance(5_000);
      await p.tick();
    }
    const group = await e.prisma.crashGroup.findFirstOrThrow({ where: { endpointId: e.ep("rollout") } });
    const diff = await getCrashGroupDiff(group.id.toString(), { prisma: e.prisma });
    expect(diff.lastGood?.image).toBe("acme/tf-sweep:2.19.0-cu12-r2");
    expect(diff.firstCrashed?.image).toBe("acme/tf-sweep:2.19.1-cu12-r3");
    expect(diff.changed.find((c) => c.field === "image")).toEqual({ field: "image", lastGood: "acme/tf-sweep:2.19.0-cu12-r2", firstCrashed: "acme/tf-sweep:2.19.1-cu12-r3" });
    expect(diff.changed.map((c) => c.field)).toContain("endpointVersion");
    expect(diff.introducedBy?.fields).toContain("image");
    const at = Date.parse(diff.introducedBy!.at);
    expect(at).toBeGreaterThan(Date.parse(diff.lastGood!.at));
    expect(at).toBeLessThanOrEqual(Date.parse(diff.firstCrashed!.at));
    expect(diff.missing).toContain("who changed the endpoint: RunPod's endpoint description does not say");
    await p.stop();
  });
});
