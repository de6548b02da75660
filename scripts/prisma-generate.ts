/**
 * `prisma generate` that works without internet (package.json postinstall and
 * `npm run db:generate`). The Prisma CLI tries to download its native schema engine
 * on every command; generation never runs it and only checks that
 * PRISMA_SCHEMA_ENGINE_BINARY names an existing file, so we point it at a placeholder.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);

function placeholderEngine(): string {
  const dir = path.join(root, "node_modules", ".cache", "sweepwatch");
  const file = path.join(dir, "schema-engine-placeholder");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, "#!/bin/sh\necho 'placeholder: sweepwatch migrates with the wasm engine (docs/database.md)' >&2\nexit 1\n", {
      mode: 0o755,
    });
  }
  return file;
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || placeholderEngine(),
};

const prismaPkg = require.resolve("prisma/package.json");
const cli = path.join(path.dirname(prismaPkg), (require(prismaPkg) as { bin: { prisma: string } }).bin.prisma);
const result = spawnSync(process.execPath, [cli, "generate", "--schema", path.join(root, "prisma", "schema.prisma"), ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: "inherit",
});
if (result.error) {
  console.error(`prisma generate could not start: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
