import { z } from "zod";

/**
 * The one place that reads process.env. Every process (web, poller, simulator,
 * CLI) calls loadEnv(); a bad value fails with the variable's name and the problem.
 */
const intFromString = (def: number, min = 0) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) {
        ctx.addIssue({ code: "custom", message: `must be an integer >= ${min}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

const postgresUrl = optionalString.refine(
  (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
  { message: 'must be a PostgreSQL URL like "postgresql://user:pass@host:5432/db"' },
);

const httpUrl = (def: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? def : v.trim().replace(/\/+$/, "")))
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v), { message: "must be an http(s) URL" });

export const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).optional().default("development"),
  PORT: intFromString(3000, 1),
  DATABASE_URL: postgresUrl,
  TEST_DATABASE_URL: postgresUrl,
  SWEEPWATCH_DATA_DIR: z.string().optional().default(".data"),
  EMBEDDED_PG_PORT: intFromString(54329, 1),
  SWEEPWATCH_MODE: z.enum(["demo", "live"]).optional(),
  RUNPOD_API_KEY: optionalString,
  RUNPOD_API_BASE: httpUrl("https://api.runpod.ai"),
  RUNPOD_REST_BASE: httpUrl("https://api.runpod.io"),
  SIMULATOR_PORT: intFromString(4010, 0),
  SIMULATOR_API_KEY: z.string().optional().default("sim-local-key"),
  SIMULATOR_SCENARIO: z.string().optional().default("scenarios/demo.yaml"),
  SIMULATOR_SEED: intFromString(42, 0),
  POLL_HEALTH_INTERVAL_MS: intFromString(10_000, 100),
  POLL_WORKERS_INTERVAL_MS: intFromString(15_000, 100),
  POLL_JOBS_INTERVAL_MS: intFromString(3_000, 100),
  POLLER_LEASE_MS: intFromString(30_000, 1000),
  POLLER_CONCURRENCY: intFromString(8, 1),
  RETENTION_RAW_DAYS: intFromString(7, 1),
  SWEEPWATCH_SECRET_KEY: optionalString,
  SWEEPWATCH_ADMIN_USERNAME: optionalString,
  SWEEPWATCH_ADMIN_PASSWORD: z.string().optional().transform((v) => (v === undefined || v === "" ? undefined : v)),
  NOTIFY_WEBHOOK_URL: optionalString,
  INGEST_RATE_LINES_PER_SEC: intFromString(20_000, 0),
  INGEST_RATE_BURST: intFromString(100_000, 1),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).optional().default("info"),
});

export type Env = z.infer<typeof EnvSchema> & { mode: "demo" | "live" };

export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}\nSee .env.example for every variable.`);
  }
  const env = result.data;
  const mode = env.SWEEPWATCH_MODE ?? (env.RUNPOD_API_KEY ? "live" : "demo");
  return { ...env, mode };
}

let cached: Env | undefined;
export function loadEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = undefined;
}
