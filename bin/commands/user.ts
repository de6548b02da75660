import type { Command } from "commander";
import { randomBytes } from "node:crypto";
import { createUser, updateUser } from "@/lib/auth/service";
import { getUserByUsername, listUsers } from "@/lib/auth/repository";
import { passwordProblem } from "@/lib/auth/password";
import type { Ctx } from "@/lib/ctx";
import { CliError, parseRole, readStdin, runCli } from "./auth-cli";

async function passwordFrom(opts: { passwordStdin?: boolean }): Promise<{ password: string; generated: boolean }> {
  if (opts.passwordStdin) {
    const password = await readStdin();
    const problem = passwordProblem(password);
    if (problem) throw new CliError(`The password ${problem}.`);
    return { password, generated: false };
  }
  return { password: randomBytes(15).toString("base64url"), generated: true };
}

async function userIdOrFail(username: string, ctx: Ctx): Promise<string> {
  const u = await getUserByUsername({ username }, ctx);
  if (!u) throw new CliError(`No user named "${username}".`);
  return u.id;
}

/** `sweepwatch user create|list|set-role|set-password|disable|enable`. */
export function registerUserCommand(program: Command) {
  const user = program.command("user").description("manage sweepwatch accounts (roles: viewer, engineer, oncall, admin)");

  user
    .command("create")
    .description("create an account; without --password-stdin a random password is generated and printed once")
    .requiredOption("--username <name>", "login name")
    .option("--role <role>", "viewer | engineer | oncall | admin", "viewer")
    .option("--display-name <name>", "name shown in the UI")
    .option("--password-stdin", "read the password from standard input")
    .action((opts: { username: string; role: string; displayName?: string; passwordStdin?: boolean }) =>
      runCli(async (ctx) => {
        const role = parseRole(opts.role);
        if (await getUserByUsername({ username: opts.username }, ctx)) throw new CliError(`A user named "${opts.username}" already exists.`);
        const { password, generated } = await passwordFrom(opts);
        const u = await createUser({ username: opts.username, password, role, displayName: opts.displayName ?? null }, ctx);
        process.stdout.write(`Created ${u.role} "${u.username}".\n`);
        if (generated) process.stdout.write(`Password (shown once): ${password}\n`);
      }),
    );

  user
    .command("list")
    .description("list accounts")
    .action(() =>
      runCli(async (ctx) => {
        const users = await listUsers({}, ctx);
        if (users.length === 0) process.stdout.write("No users yet. Create one: npx sweepwatch user create --role admin --username <name>\n");
        for (const u of users) {
          process.stdout.write(`${u.username.padEnd(24)} ${u.role.padEnd(9)} ${u.disabled ? "disabled" : "active  "} last login ${u.lastLoginAt ?? "never"}\n`);
        }
      }),
    );

  user
    .command("set-role")
    .description("change an account's role (ends its sessions)")
    .requiredOption("--username <name>")
    .requiredOption("--role <role>")
    .action((opts: { username: string; role: string }) =>
      runCli(async (ctx) => {
        const u = await updateUser({ id: await userIdOrFail(opts.username, ctx), patch: { role: parseRole(opts.role) } }, ctx);
        process.stdout.write(`"${u!.username}" is now ${u!.role}.\n`);
      }),
    );

  user
    .command("set-password")
    .description("set a new password (ends the account's sessions); without --password-stdin one is generated")
    .requiredOption("--username <name>")
    .option("--password-stdin", "read the password from standard input")
    .action((opts: { username: string; passwordStdin?: boolean }) =>
      runCli(async (ctx) => {
        const id = await userIdOrFail(opts.username, ctx);
        const { password, generated } = await passwordFrom(opts);
        await updateUser({ id, patch: { password } }, ctx);
        process.stdout.write(`Password of "${opts.username}" changed.\n`);
        if (generated) process.stdout.write(`Password (shown once): ${password}\n`);
      }),
    );

  for (const [name, disabled] of [["disable", true], ["enable", false]] as const) {
    user
      .command(name)
      .description(`${name} an account${disabled ? " (ends its sessions; its API tokens stop working)" : ""}`)
      .requiredOption("--username <name>")
      .action((opts: { username: string }) =>
        runCli(async (ctx) => {
          await updateUser({ id: await userIdOrFail(opts.username, ctx), patch: { disabled } }, ctx);
          process.stdout.write(`"${opts.username}" ${disabled ? "disabled" : "enabled"}.\n`);
        }),
      );
  }
}
