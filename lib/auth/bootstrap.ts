// Service: the first admin from the environment.
import { loadEnv } from "@/lib/env";
import { type Ctx, ctxWith } from "@/lib/ctx";
import { addSecret, createLogger } from "@/lib/log";
import { createUser, UserExistsError } from "./service";
import { getUserByUsername } from "./repository";
import { passwordProblem } from "./password";
import { SYSTEM_PRINCIPAL } from "./principal";

const log = createLogger("auth");

/**
 * Creates the admin named by SWEEPWATCH_ADMIN_USERNAME / SWEEPWATCH_ADMIN_PASSWORD when no
 * user of that name exists yet. An existing user is never changed. Returns what it did.
 */
export async function ensureAdminFromEnv(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<"created" | "exists" | "not-configured"> {
  const env = loadEnv();
  const username = env.SWEEPWATCH_ADMIN_USERNAME;
  const password = env.SWEEPWATCH_ADMIN_PASSWORD;
  addSecret(password);
  if (!username || !password) {
    if (username || password) log.warn("set both SWEEPWATCH_ADMIN_USERNAME and SWEEPWATCH_ADMIN_PASSWORD to create the first admin");
    return "not-configured";
  }
  const problem = passwordProblem(password);
  if (problem) throw new Error(`SWEEPWATCH_ADMIN_PASSWORD ${problem}.`);
  if (await getUserByUsername({ username }, ctx)) return "exists";
  try {
    await createUser({ username, password, role: "admin", displayName: null }, ctxWith(ctx, { principal: SYSTEM_PRINCIPAL }));
    log.info("created the first admin from SWEEPWATCH_ADMIN_USERNAME", { username });
    return "created";
  } catch (e) {
    if (e instanceof UserExistsError) return "exists";
    throw e;
  }
}

let once: Promise<unknown> | undefined;
/** ensureAdminFromEnv once per process; failures are logged and retried on the next call. */
export async function ensureAdminFromEnvOnce(_input: Record<string, never>, ctx: Ctx<unknown>): Promise<void> {
  once ??= ensureAdminFromEnv({}, ctx).catch((e: unknown) => {
    once = undefined;
    log.error("could not create the admin from the environment", { error: e });
  });
  await once;
}
