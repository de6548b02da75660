/**
 * `npm run poller` (also started by `npm start`): the long-running poller process.
 * Reads its configuration with loadEnv(), polls until SIGTERM/SIGINT, then stops after
 * the tick in flight, gives its leases back and exits. The API key is never logged.
 */
import { disconnectPrisma, getPrisma } from "@/lib/db";
import { EnvError, loadEnv } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { createRunpodClient } from "@/lib/runpod/client";
import { runpodClientOptionsFromEnv } from "@/lib/data/runpod-client";
import { createPoller } from "@/lib/poller/runner";
import { pollerConfigFromEnv } from "@/lib/poller/config";
import pkg from "@/package.json";

const log = createLogger("poller");

async function main() {
  const env = loadEnv();
  const config = pollerConfigFromEnv(env);
  const client = createRunpodClient({
    ...runpodClientOptionsFromEnv(),
    retries: 2,
    // A tick must not stall on a long Retry-After: the poller backs the endpoint off instead.
    maxRateLimitWaitMs: 2_000,
    timeoutMs: 10_000,
    logger: createLogger("runpod"),
  });
  const poller = createPoller({ prisma: getPrisma(), client, config, log, version: pkg.version });
  log.info("poller starting", {
    instanceId: poller.instanceId,
    mode: config.mode,
    apiBase: env.RUNPOD_API_BASE,
    restBase: env.RUNPOD_REST_BASE,
    healthIntervalMs: config.healthIntervalMs,
    workersIntervalMs: config.workersIntervalMs,
    jobsIntervalMs: config.jobsIntervalMs,
    leaseMs: config.leaseMs,
    concurrency: config.concurrency,
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping after the tick in flight", { signal });
    await poller.stop();
    await disconnectPrisma().catch(() => undefined);
    log.info("poller stopped", { instanceId: poller.instanceId });
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  poller.start();
}

main().catch((e: unknown) => {
  // An invalid environment is the user's to fix: its message, not a crash report.
  if (e instanceof EnvError) process.stderr.write(`${e.message}\n`);
  else log.error("poller crashed", { error: e });
  process.exit(1);
});
