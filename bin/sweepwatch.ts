import { Command } from "commander";
import { registerMigrateCommand } from "./commands/migrate";
import { registerDoctorCommand } from "./commands/doctor";

/** `npx sweepwatch <command>`: each command lives in bin/commands/ and registers itself here. */
const program = new Command();
program
  .name("sweepwatch")
  .description("sweepwatch: watch RunPod serverless sweeps, crash loops and success criteria")
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

registerMigrateCommand(program);
registerDoctorCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`sweepwatch: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
