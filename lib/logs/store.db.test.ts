import { afterAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { createPrismaClient } from "@/lib/db";
import { createCtx } from "@/lib/ctx";
import { storeLogLines, type LogLineInput } from "@/lib/logs/store";

const prisma = createPrismaClient(process.env.DATABASE_URL!, { max: 2 });
const ctx = createCtx({ db: prisma });
afterAll(() => prisma.$disconnect());

async function endpoint() {
  const ep = `lw-${randomBytes(4).toString("hex")}`;
  await prisma.endpoint.create({ data: { id: ep, name: ep } });
  return ep;
}

describe("storeLogLines: each line once, by content", () => {
  it("keeps system lines that share RunPod's event id (one second) as separate rows; a re-read stores nothing", async () => {
    const ep = await endpoint();
    const sec = "2026-08-13T18:05:46Z";
    const sys = (text: string): LogLineInput => ({ endpointId: ep, workerId: "w1", source: "system", ts: new Date(sec), exactTs: "2026-08-13T18:05:46.000000000Z", eventId: sec, text });
    const batch = [sys("container exited with code 134"), sys("restarting container in 10s (back-off, restart 1)"), sys("create container alpine:latest")];
    expect(await storeLogLines({ lines: batch }, ctx)).toEqual({ inserted: 3 });
    expect(await storeLogLines({ lines: batch }, ctx)).toEqual({ inserted: 0 });
    expect(await prisma.logLine.count({ where: { endpointId: ep } })).toBe(3);
  });

  it("counts identical lines of one timestamp by their position, so a re-read of part of them adds nothing and a later one adds the rest", async () => {
    const ep = await endpoint();
    const same = (): LogLineInput => ({ endpointId: ep, workerId: "w1", source: "system", ts: new Date("2026-08-13T18:05:46Z"), exactTs: "2026-08-13T18:05:46.000000000Z", text: "start container" });
    expect(await storeLogLines({ lines: [same(), same(), same()] }, ctx)).toEqual({ inserted: 3 });
    expect(await storeLogLines({ lines: [same(), same()] }, ctx)).toEqual({ inserted: 0 });
    expect(await storeLogLines({ lines: [same(), same(), same(), same()] }, ctx)).toEqual({ inserted: 1 });
    // the same text in another source, worker or instant is another line
    expect(await storeLogLines({ lines: [{ ...same(), source: "container" }, { ...same(), workerId: "w2" }, { ...same(), exactTs: "2026-08-13T18:05:46.000000001Z" }] }, ctx)).toEqual({ inserted: 3 });
  });
});
