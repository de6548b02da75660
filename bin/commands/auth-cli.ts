import { disconnectPrisma } from "@/lib/db";
import { cliPrincipal } from "@/lib/auth/principal";
import { createCtx, type Ctx } from "@/lib/ctx";
import { isRole } from "@/lib/domain/roles";
import type { Role } from "@/lib/http/spec";

/** Shared bits of `sweepwatch user` and `sweepwatch token`. */
export class CliError extends Error {}

export function parseRole(value: string): Role {
  if (!isRole(value)) throw new CliError(`--role must be one of viewer, engineer, oncall, admin (got "${value}").`);
  return value;
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError("--password-stdin expects the password on standard input, e.g. `printf %s \"$PW\" | npx sweepwatch …`.");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

/** Runs a command body acting as the shell user (cliPrincipal): closes the database pool, and prints known errors as one line with exit code 1. */
export async function runCli(fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  try {
    await fn(createCtx({ principal: cliPrincipal() }));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${msg.split("\n")[0]}\n`);
    process.exitCode = 1;
  } finally {
    await disconnectPrisma().catch(() => undefined);
  }
}
