import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "@/lib/db";
import { createLogger } from "@/lib/log";
import { createCtx } from "@/lib/ctx";
import { SYSTEM_PRINCIPAL } from "@/lib/auth/principal";
import type { PollerContext } from "@/lib/poller/types";
import { DEMO_SWEEPS, demoSweepsModule } from "./demo-sweeps";

const prisma = getPrisma();
afterAll(() => disconnectPrisma());

function ctx(mode: "demo" | "live"): PollerContext {
  return { prisma, ctx: createCtx({ db: prisma, principal: SYSTEM_PRINCIPAL }), config: { mode }, now: new Date(), log: createLogger("test"), endpoints: [] } as unknown as PollerContext;
}

describe("demo sweeps", () => {
  it("creates the demo sweeps once, only in demo mode and only after the endpoints exist", async () => {
    await prisma.appSetting.deleteMany({ where: { key: "demo.sweeps.seeded" } });
    const names = DEMO_SWEEPS.map((s) => s.name);
    await demoSweepsModule.run(ctx("demo"));
    expect(await prisma.sweep.count({ where: { name: { in: names } } })).toBe(0);

    for (const s of DEMO_SWEEPS) await prisma.endpoint.upsert({ where: { id: s.endpointId }, create: { id: s.endpointId, name: s.endpointId }, update: {} });
    await demoSweepsModule.run(ctx("live"));
    expect(await prisma.sweep.count({ where: { name: { in: names } } })).toBe(0);

    await demoSweepsModule.run(ctx("demo"));
    await demoSweepsModule.run(ctx("demo"));
    const sweeps = await prisma.sweep.findMany({ where: { name: { in: names } } });
    expect(sweeps.map((s) => s.endpointId).sort()).toEqual(DEMO_SWEEPS.map((s) => s.endpointId).sort());
    expect(sweeps.find((s) => s.endpointId === "demo-healthy")).toMatchObject({ method: "bayes", metricName: "loss", parallel: 3 });
  });
});
