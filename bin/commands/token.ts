import type { Command } from "commander";
import { createApiToken, createIngestToken, revokeApiToken } from "@/lib/auth/service";
import { getUserByUsername, listApiTokens } from "@/lib/auth/repository";
import { CliError, parseRole, runCli } from "./auth-cli";

/** `sweepwatch token create|list|revoke|create-ingest`. */
export function registerTokenCommand(program: Command) {
  const token = program.command("token").description("API tokens for scripts and CI (Authorization: Bearer swt_…) and ingest tokens");

  token
    .command("create")
    .description("create an API token and print it once (only its hash is stored)")
    .requiredOption("--role <role>", "viewer | engineer | oncall | admin")
    .requiredOption("--name <name>", "what the token is for, e.g. ci-sweeps")
    .option("--user <username>", "account the token belongs to (it stops working when that account is disabled)")
    .option("--expires-days <n>", "expire after n days")
    .action((opts: { role: string; name: string; user?: string; expiresDays?: string }) =>
      runCli(async (ctx) => {
        const role = parseRole(opts.role);
        const name = opts.name.trim();
        if (!name || name.length > 255) throw new CliError("--name must be 1-255 characters.");
        let createdById: string | null = null;
        if (opts.user) {
          const u = await getUserByUsername({ username: opts.user }, ctx);
          if (!u) throw new CliError(`No user named "${opts.user}".`);
          createdById = u.id;
        }
        let expiresAt: Date | null = null;
        if (opts.expiresDays !== undefined) {
          const n = Number(opts.expiresDays);
          if (!Number.isInteger(n) || n < 1 || n > 3650) throw new CliError("--expires-days must be a whole number from 1 to 3650.");
          expiresAt = new Date(ctx.now().getTime() + n * 86_400_000);
        }
        const { token: t, secret } = await createApiToken({ name, role, createdById, expiresAt }, ctx);
        process.stderr.write(`Created ${t.role} token "${t.name}" (id ${t.id}). It is shown only now:\n`);
        process.stdout.write(`${secret}\n`);
      }),
    );

  token
    .command("list")
    .description("list API tokens (never their secrets)")
    .action(() =>
      runCli(async (ctx) => {
        for (const t of await listApiTokens({}, ctx)) {
          const state = t.revokedAt ? "revoked" : t.expiresAt && new Date(t.expiresAt) < ctx.now() ? "expired" : "active";
          process.stdout.write(`${t.id}  ${t.prefix}…  ${t.role.padEnd(9)} ${state.padEnd(8)} last used ${t.lastUsedAt ?? "never"}  ${t.name}\n`);
        }
      }),
    );

  token
    .command("revoke <id>")
    .description("revoke an API token by id")
    .action((id: string) =>
      runCli(async (ctx) => {
        const t = await revokeApiToken({ id }, ctx);
        if (!t) throw new CliError(`No API token with id "${id}".`);
        process.stdout.write(`Revoked token "${t.name}".\n`);
      }),
    );

  token
    .command("create-ingest")
    .description("create an ingest token for one endpoint (for POST /api/ingest/logs) and print it once")
    .requiredOption("--endpoint <id>", "RunPod endpoint id")
    .option("--name <name>", "label")
    .action((opts: { endpoint: string; name?: string }) =>
      runCli(async (ctx) => {
        const { token: t, secret } = await createIngestToken({ endpointId: opts.endpoint, name: opts.name ?? null }, ctx);
        process.stderr.write(`Created ingest token ${t.id} for endpoint ${t.endpointId}. It is shown only now:\n`);
        process.stdout.write(`${secret}\n`);
      }),
    );
}
