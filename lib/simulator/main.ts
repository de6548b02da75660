import { loadEnv } from "@/lib/env";
import { addSecret, createLogger } from "@/lib/log";
import { startSimulator } from "./index";
import { ScenarioError } from "./scenario";

/** `npm run simulator`: the demo (or SIMULATOR_SCENARIO) on SIMULATOR_PORT with the real clock. */
const log = createLogger("simulator");

async function main() {
  const env = loadEnv();
  addSecret(env.SIMULATOR_API_KEY);
  // Real RunPod never reuses job or worker ids; without an explicit SIMULATOR_SEED a restarted
  // simulator must not hand out the previous run's ids (the poller keys rows on them).
  const explicitSeed = (process.env.SIMULATOR_SEED ?? "").trim() !== "";
  const seed = explicitSeed ? env.SIMULATOR_SEED : (Date.now() ^ (process.pid << 16)) >>> 0;
  const sim = await startSimulator({
    scenario: env.SIMULATOR_SCENARIO,
    seed,
    apiKey: env.SIMULATOR_API_KEY,
    port: env.SIMULATOR_PORT,
    host: process.env.SIMULATOR_HOST || "127.0.0.1",
    clock: "real",
  });
  log.info(`RunPod simulator listening on ${sim.url}`, {
    scenario: sim.scenario.name,
    endpoints: sim.scenario.endpoints.map((e) => e.id),
    seed,
    hint: `RUNPOD_API_BASE=${sim.url} RUNPOD_REST_BASE=${sim.url} RUNPOD_API_KEY=<SIMULATOR_API_KEY>`,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping", { signal });
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  if (err instanceof ScenarioError) log.error(err.message);
  else log.error("simulator failed to start", { error: err });
  process.exit(1);
});
