import { afterEach, describe, expect, it } from "vitest";
import type { Faults } from "@/lib/simulator/scenario";
import { setupPollerTest, type PollerTestEnv } from "@/lib/poller/testing";

let env: PollerTestEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const CLEAR: Partial<Faults> = { errorRate: 0, rateLimitRate: 0, malformedJsonRate: 0, dropConnectionRate: 0, latencyMs: { min: 0, max: 0 } };

describe("poller: RunPod failures are survived and recorded where the UI can show them", () => {
  it("429, 5xx, malformed bodies, dropped connections and timeouts each become a PollError; polling resumes after", async () => {
    env = await setupPollerTest({
      endpoints: [{ name: "ep", workers: { min: 1, max: 1, idleTimeout: 60 }, coldStartMs: 1_000, behaviour: { type: "healthy", failureRate: 0 } }],
    });
    const ep = env.ep("ep");
    const p = env.poller({ config: { backoffBaseMs: 1_000, backoffMaxMs: 5_000 } });
    await p.tick();
    expect(await env.prisma.healthSnapshot.count({ where: { endpointId: ep } })).toBe(1);

    const cases: { faults: Partial<Faults>; status: number | null; text: RegExp }[] = [
      { faults: { rateLimitRate: 1 }, status: 429, text: /rate/i },
      { faults: { errorRate: 1 }, status: 500, text: /server|error/i },
      { faults: { malformedJsonRate: 1 }, status: 200, text: /not JSON|shape/i },
      { faults: { dropConnectionRate: 1 }, status: null, text: /network|socket|fetch failed/i },
      { faults: { latencyMs: { min: 4_000, max: 4_000 } }, status: null, text: /no complete response|timeout/i },
    ];
    for (const c of cases) {
      env.sim.setFaults({ ...CLEAR, ...c.faults });
      await env.advance(11_000); // health is due again and any back-off has passed
      const before = await env.prisma.pollError.count({ where: { endpointId: ep } });
      const s = await p.tick();
      expect(s.errors).toBeGreaterThan(0);
      const errs = await env.prisma.pollError.findMany({ where: { endpointId: ep }, orderBy: { id: "desc" }, take: s.errors });
      expect(errs.length).toBeGreaterThan(0);
      expect(await env.prisma.pollError.count({ where: { endpointId: ep } })).toBeGreaterThan(before);
      const e = errs.find((x) => x.operation === "health") ?? errs[0];
      if (c.status === 500) expect(e.httpStatus).toBeGreaterThanOrEqual(500);
      else expect(e.httpStatus).toBe(c.status);
      expect(e.message).toMatch(c.text);
      expect(e.message).not.toContain(env.sim.apiKey);
      expect(e.pollerId).toBe(p.instanceId);
      const row = await env.prisma.endpoint.findUniqueOrThrow({ where: { id: ep } });
      expect(row.lastError).toBeTruthy();
      expect(row.lastErrorAt?.getTime()).toBe(env.sim.clock.now());
      // while backing off, the endpoint is left alone (no error storm)
      const again = await p.tick();
      expect(again.errors).toBe(0);
    }

    env.sim.setFaults(CLEAR);
    await env.advance(11_000);
    const ok = await p.tick();
    expect(ok.errors).toBe(0);
    expect(ok.healthSnapshots).toBe(1);
    expect(await env.prisma.healthSnapshot.count({ where: { endpointId: ep } })).toBe(2);
    await p.stop();
  });
});
