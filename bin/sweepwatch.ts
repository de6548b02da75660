import { Command } from "commander";
import { registerMigrateCommand } from "./commands/migrate";
import { registerDoctorCommand } from "./commands/doctor";
import { registerClassifyCommand } from "./commands/classify";
import { registerUserCommand } from "./commands/user";
import { registerTokenCommand } from "./commands/token";

/** `npx sweepwatch <command>`: each command lives in bin/commands/ and registers itself here. */
const program = new Command();
program
  .name("sweepwatch")
  .description("sweepwatch: watch RunPod serverless sweeps, crash loops and success criteria")
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

registerMigrateCommand(program);
registerDoctorCommand(program);
registerClassifyCommand(program);
registerUserCommand(program);
registerTokenCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`sweepwatch: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
