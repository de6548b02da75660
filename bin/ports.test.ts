import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { choosePort, isPortFree } from "./ports";

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function occupy(): Promise<number> {
  const srv = net.createServer();
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return (srv.address() as net.AddressInfo).port;
}

describe("choosePort", () => {
  it("swaps a taken default port for a free one and says which variable chooses it", async () => {
    const taken = await occupy();
    const r = await choosePort({ variable: "SIMULATOR_PORT", port: taken, explicit: false });
    expect(r.port).not.toBe(taken);
    expect(await isPortFree(r.port)).toBe(true);
    expect(r.note).toBe(`port ${taken} is taken, using ${r.port} instead (set SIMULATOR_PORT to choose one)`);
  });

  it("refuses a taken port the user chose, naming the variable", async () => {
    const taken = await occupy();
    await expect(choosePort({ variable: "SIMULATOR_PORT", port: taken, explicit: true })).rejects.toThrow(
      `port ${taken} (SIMULATOR_PORT) is already in use by another program; set SIMULATOR_PORT to a free port`,
    );
  });

  it("keeps a free port as it is and turns 0 into a free port", async () => {
    const taken = await occupy();
    await new Promise((r) => servers.pop()!.close(r));
    expect(await choosePort({ variable: "PORT", port: taken, explicit: true })).toEqual({ port: taken });
    const zero = await choosePort({ variable: "SIMULATOR_PORT", port: 0, explicit: true });
    expect(zero.port).toBeGreaterThan(0);
  });
});
