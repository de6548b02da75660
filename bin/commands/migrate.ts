import type { Command } from "commander";
import { loadEnv } from "@/lib/env";
import { findRunningEmbedded, startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { describeDatabaseError, maskDatabaseUrl } from "@/lib/pg-errors";

export function registerMigrateCommand(program: Command) {
  program
    .command("migrate")
    .description("apply pending database migrations (prisma/migrations) without Prisma's native engine")
    .action(async () => {
      const env = loadEnv();
      let stop: (() => Promise<void>) | undefined;
      let url = env.DATABASE_URL ?? findRunningEmbedded()?.url;
      if (!url) {
        // No database configured and none running: migrate the embedded one, then stop it again.
        const server = await startEmbeddedPostgres({ dataDir: env.SWEEPWATCH_DATA_DIR, port: env.EMBEDDED_PG_PORT });
        url = server.url;
        stop = server.stop;
      }
      try {
        const { applied } = await applyMigrations(url);
        process.stdout.write(
          applied.length ? `Applied ${applied.length} migration(s) to ${maskDatabaseUrl(url)}:\n${applied.map((m) => `  ${m}`).join("\n")}\n` : `Database ${maskDatabaseUrl(url)} is up to date.\n`,
        );
      } catch (e) {
        const code = (e as { code?: string }).code;
        process.stderr.write(`migrate failed: ${code ? describeDatabaseError(e, url) : e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
      } finally {
        await stop?.();
      }
    });
}
