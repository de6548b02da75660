/**
 * npm run db:new-migration -- --name <name> [--replace]
 *
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes a
 * database built from the existing migrations to prisma/schema.prisma (the offline
 * equivalent of `prisma migrate dev --create-only`). The migrations are replayed in a
 * temporary shadow database on DATABASE_URL's server, the running embedded server, or
 * a throw-away embedded server. Nothing else in those databases is touched.
 * --replace regenerates the newest migration when it has that name (only before release).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createMigration } from "@/lib/db/migrate";
import { findRunningEmbedded, startEmbeddedPostgres } from "@/lib/db/embedded";

async function main() {
  const { values, positionals } = parseArgs({
    options: { name: { type: "string", short: "n" }, replace: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  const name = values.name ?? positionals[0];
  if (values.help || !name) {
    console.log("usage: npm run db:new-migration -- --name <snake_case_name> [--replace]");
    process.exit(values.help ? 0 : 2);
  }

  let url = process.env.DATABASE_URL?.trim() || findRunningEmbedded()?.url;
  let stop: (() => Promise<void>) | undefined;
  let scratch: string | undefined;
  if (!url) {
    scratch = mkdtempSync(path.join(tmpdir(), "sweepwatch-shadow-"));
    const pg = await startEmbeddedPostgres({ dataDir: scratch, port: 0, writeStateFile: false });
    url = pg.url;
    stop = pg.stop;
  }
  try {
    const out = await createMigration(url, { name, replace: values.replace });
    if (!out.name) {
      console.log("schema.prisma and prisma/migrations already agree: no migration written.");
      return;
    }
    if (out.replaced) console.log(`replaced ${out.replaced}`);
    console.log(`wrote prisma/migrations/${out.name}/migration.sql (${out.script?.split("\n").length ?? 0} lines)`);
    console.log("review it, then apply with: npm run db:migrate");
  } finally {
    await stop?.();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
