import { loadEnv } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { createRunpodClient, type RunpodClient } from "@/lib/runpod/client";

/**
 * The RunPod client for server code outside the poller (route handlers submitting jobs).
 * Live: RUNPOD_API_KEY + RUNPOD_API_BASE/RUNPOD_REST_BASE. Demo mode without a key: the local
 * simulator (SIMULATOR_API_KEY on 127.0.0.1:SIMULATOR_PORT), as `npm start` runs it.
 */
let cached: RunpodClient | undefined;

export function runpodClientOptionsFromEnv() {
  const env = loadEnv();
  if (env.RUNPOD_API_KEY) {
    return { apiKey: env.RUNPOD_API_KEY, apiBase: env.RUNPOD_API_BASE, restBase: env.RUNPOD_REST_BASE };
  }
  if (env.mode === "demo") {
    const sim = `http://127.0.0.1:${env.SIMULATOR_PORT}`;
    return { apiKey: env.SIMULATOR_API_KEY, apiBase: sim, restBase: sim };
  }
  throw new Error("RUNPOD_API_KEY is not set (required outside demo mode)");
}

export function getDefaultRunpodClient(): RunpodClient {
  cached ??= createRunpodClient({ ...runpodClientOptionsFromEnv(), retries: 2, maxRateLimitWaitMs: 5_000, logger: createLogger("runpod") });
  return cached;
}
