import http from "node:http";
import type { AddressInfo } from "node:net";
import { RealClock, VirtualClock, type Clock } from "./clock";
import { SimEngine, type WebhookSender } from "./engine";
import { hashSeed, rngFromState } from "@/lib/domain/prng";
import { FaultsSchema, loadScenario, type Faults, type FaultsInput, type Scenario, type ScenarioInput } from "./scenario";
import { createRequestHandler, snapshot, type RequestStats } from "./server";

export type { Clock } from "./clock";
export { SimEngine, type SimJob } from "./engine";
export type { Scenario, ScenarioInput, FaultsInput } from "./scenario";
export { branin } from "./objective";

export interface SimulatorOptions {
  /** "demo", a scenario name under scenarios/, a file path, or a scenario object. */
  scenario?: string | ScenarioInput | Scenario;
  seed?: number;
  /** "virtual" (default; time moves only with advance()), "real", or your own Clock. */
  clock?: "virtual" | "real" | Clock;
  /** Virtual clock start (default: scenario.startTime or 2026-06-01T12:00:00Z). */
  startTime?: string | number;
  apiKey?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Overrides scenario.faults (merged). */
  faults?: FaultsInput;
  /** Webhook transport; default: fetch POST with a timeout. */
  sendWebhook?: WebhookSender;
}

export interface Simulator {
  /** Base URL for both APIs, e.g. http://127.0.0.1:4010 (use as RUNPOD_API_BASE and RUNPOD_REST_BASE). */
  url: string;
  port: number;
  apiKey: string;
  clock: Clock;
  /** The live model: endpoints, workers, jobs (read it in tests; mutate only through its methods). */
  state: SimEngine;
  scenario: Scenario;
  stats: RequestStats;
  /** Virtual clock only: runs every timer due within ms, synchronously. */
  advance(ms: number): void;
  /** Virtual clock only: advances in steps and yields to the event loop between them, so HTTP answers and webhooks flow. */
  advanceAsync(ms: number, stepMs?: number): Promise<void>;
  /** A JSON snapshot (what GET /_sim/state returns). */
  snapshot(): ReturnType<typeof snapshot>;
  setFaults(f: FaultsInput): void;
  /** The endpoint is gone from every API from now on (404), as after a delete in RunPod's console. */
  deleteEndpoint(id: string): boolean;
  /** Waits for in-flight webhook deliveries. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const defaultSendWebhook: WebhookSender = async (url, body, timeoutMs) => {
  const r = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "User-Agent": "RunPod-Simulator/1.0" },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await r.arrayBuffer().catch(() => undefined);
  return r.status;
};

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const scenario = loadScenario(opts.scenario ?? "demo");
  const seed = opts.seed ?? 42;
  const apiKey = opts.apiKey ?? "sim-local-key";
  const clock: Clock =
    typeof opts.clock === "object"
      ? opts.clock
      : opts.clock === "real"
        ? new RealClock()
        : new VirtualClock(
            opts.startTime !== undefined
              ? typeof opts.startTime === "number"
                ? opts.startTime
                : Date.parse(opts.startTime)
              : scenario.startTime
                ? Date.parse(scenario.startTime)
                : undefined,
          );
  let faults: Faults = FaultsSchema.parse({ ...scenario.faults, ...(opts.faults ?? {}) });
  const engine = new SimEngine({ scenario, clock, seed, sendWebhook: opts.sendWebhook ?? defaultSendWebhook });
  const { handler, stats } = createRequestHandler({
    engine,
    apiKey,
    faults: () => faults,
    setFaults: (f) => {
      faults = FaultsSchema.parse({ ...faults, ...(f as FaultsInput) });
    },
    faultRng: rngFromState(hashSeed(seed, "faults")),
    startedAt: clock.now(),
  });
  const server = http.createServer({ keepAliveTimeout: 65_000 }, handler);
  server.headersTimeout = 66_000;
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const virtual = () => {
    if (!(clock instanceof VirtualClock)) throw new Error("advance() needs the virtual clock (start the simulator with clock: \"virtual\")");
    return clock;
  };
  let closed = false;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    apiKey,
    clock,
    state: engine,
    scenario,
    stats,
    advance: (ms) => virtual().advance(ms),
    advanceAsync: async (ms, stepMs = 1000) => {
      const c = virtual();
      const end = c.now() + ms;
      while (c.now() < end) {
        c.advanceTo(Math.min(end, c.now() + stepMs));
        await new Promise((r) => setImmediate(r));
      }
    },
    snapshot: () => snapshot(engine),
    setFaults: (f) => {
      faults = FaultsSchema.parse({ ...faults, ...f });
    },
    deleteEndpoint: (id) => engine.deleteEndpoint(id),
    flush: () => engine.flush(),
    close: async () => {
      if (closed) return;
      closed = true;
      engine.close();
      clock.dispose();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

