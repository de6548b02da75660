import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, parseScenario, ScenarioError } from "./scenario";
import { startSimulator } from "./index";

function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScenarioError) return err;
    throw err;
  }
  throw new Error("expected a ScenarioError");
}

describe("scenario validation", () => {
  it("loads the demo scenario with its four queue endpoints and one load balancer", () => {
    const s = loadScenario("demo");
    expect(s.endpoints.map((e) => e.id)).toEqual(["demo-healthy", "demo-randomdevice", "demo-nocapacity", "demo-rollout", "demo-lb"]);
    expect(s.endpoints.map((e) => e.type)).toEqual(["QUEUE", "QUEUE", "QUEUE", "QUEUE", "LOAD_BALANCER"]);
    expect(s.endpoints[1].behaviour).toMatchObject({ type: "crash_loop", crash: "random_device" });
    expect(s.endpoints[3].timeline.map((t) => t.atMinute)).toEqual([4, 8]);
  });

  it("applies documented defaults and accepts a bare-string behaviour", () => {
    const s = parseScenario({ endpoints: [{ id: "a", behaviour: "no_capacity" }] });
    expect(s.endpoints[0].behaviour).toEqual({ type: "no_capacity", mode: "throttled" });
    expect(s.endpoints[0].workers).toEqual({ min: 0, max: 3, idleTimeout: 5 });
    expect(s.jobs).toMatchObject({ runRetentionMs: 1_800_000, runsyncRetentionMs: 60_000, webhookRetries: 2, webhookRetryDelayMs: 10_000 });
    expect(s.rateLimits.jobs.run).toEqual({ requests: 1000, concurrent: 200 });
    expect(s.rateLimits.management).toMatchObject({ minute: 60, hour: 3000, day: 50000 });
  });

  it("reports every problem with its path", () => {
    const err = errorOf(() =>
      parseScenario({
        endpoints: [
          { id: "a", behaviour: { type: "crash_loop", crash: "oom_killer" } },
          { id: "b", workers: { min: 3, max: 1 } },
          { id: "c", timeline: [{ atMinute: 2 }] },
          { id: "bad id!" },
        ],
        bogus: true,
      }),
    );
    const paths = err.issues.map((i) => i.path);
    expect(paths).toContain("endpoints.0.behaviour.crash");
    expect(paths).toContain("endpoints.1.workers");
    expect(paths).toContain("endpoints.2.timeline.0");
    expect(paths).toContain("endpoints.3.id");
    expect(paths).toContain("(root)");
    expect(err.message).toMatch(/endpoints\.0\.behaviour\.crash: Invalid option/);
  });

  it("rejects duplicate endpoint ids, unknown behaviour types and an empty endpoint list", () => {
    expect(errorOf(() => parseScenario({ endpoints: [{ id: "a" }, { id: "a" }] })).issues).toEqual([
      { path: "endpoints.1.id", message: 'duplicate endpoint id "a" (also endpoints.0.id)' },
    ]);
    expect(errorOf(() => parseScenario({ endpoints: [{ id: "a", behaviour: "flaky" }] })).issues[0].path).toBe("endpoints.0.behaviour.type");
    expect(errorOf(() => parseScenario({ endpoints: [] })).issues[0]).toEqual({ path: "endpoints", message: "a scenario needs at least one endpoint" });
    expect(errorOf(() => parseScenario({ endpoints: [{ id: "a", objective: { noise: -1 } }] })).issues[0].path).toBe("endpoints.0.objective.noise");
  });

  it("loads JSON and YAML files and names the file in parse errors", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sim-scn-"));
    const json = path.join(dir, "s.json");
    writeFileSync(json, JSON.stringify({ name: "j", endpoints: [{ id: "x" }] }));
    expect(loadScenario(json).name).toBe("j");
    const yaml = path.join(dir, "s.yaml");
    writeFileSync(yaml, "name: y\nendpoints:\n  - id: x\n    workers: { min: -1 }\n");
    const err = errorOf(() => loadScenario(yaml));
    expect(err.message).toContain("s.yaml");
    expect(err.issues[0].path).toBe("endpoints.0.workers.min");
    const broken = path.join(dir, "b.yaml");
    writeFileSync(broken, "endpoints: [\n");
    expect(errorOf(() => loadScenario(broken)).message).toMatch(/^Cannot parse .*b\.yaml/);
    expect(errorOf(() => loadScenario(path.join(dir, "missing.yaml"))).message).toMatch(/not found/);
  });

  it("startSimulator refuses an invalid scenario before listening", async () => {
    await expect(startSimulator({ scenario: { endpoints: [{ id: "a", workers: { max: -1 } }] } })).rejects.toBeInstanceOf(ScenarioError);
  });
});

describe("shipped scenario files", () => {
  it("every scenarios/*.yaml validates", async () => {
    const { readdirSync } = await import("node:fs");
    const dir = path.resolve(import.meta.dirname, "../../scenarios");
    const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files).toContain("demo.yaml");
    for (const f of files) expect(() => loadScenario(path.join(dir, f)), f).not.toThrow();
  });
});
