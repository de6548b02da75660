import type { Command } from "commander";
import { classifyLog, type ClassifyResult } from "@/lib/domain/crash/classifier";
import { fingerprint } from "@/lib/domain/crash/fingerprint";
import { SIGNATURES } from "@/lib/domain/crash/signatures";
import { evaluate, formatEvalReport, parseLabelledJsonl } from "@/lib/domain/crash/eval";
import { readFile } from "node:fs/promises";

export interface ClassifyJsonOutput {
  primary: string | null;
  crashes: { signature: string; title: string; line: number; text: string; exitCode?: number }[];
}

export function toClassifyJson(result: ClassifyResult): ClassifyJsonOutput {
  return {
    primary: result.primary,
    crashes: result.crashes.map((c) => ({
      signature: c.signature,
      title: c.title,
      line: c.line,
      text: c.text,
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    })),
  };
}

function summarise(result: ClassifyResult): string {
  if (result.crashes.length === 0) return "No crash found.\n";
  const p = result.primary!;
  const out: string[] = [`Primary cause: ${p} (${SIGNATURES[p].title})`, `  ${SIGNATURES[p].explanation}`, ""];
  const counts = new Map<string, number>();
  for (const c of result.crashes) counts.set(fingerprint(c), (counts.get(fingerprint(c)) ?? 0) + 1);
  out.push(`${result.crashes.length} crash${result.crashes.length === 1 ? "" : "es"} (${counts.size} distinct):`);
  for (const c of result.crashes) {
    const extra = [c.exitCode !== undefined ? `exit ${c.exitCode}` : "", c.module ? `module ${c.module}` : "", c.ts ?? ""].filter(Boolean).join(", ");
    out.push(`  line ${c.line}: ${c.signature}${extra ? ` [${extra}]` : ""}`);
    out.push(`    ${c.text.length > 200 ? `${c.text.slice(0, 200)}...` : c.text}`);
  }
  return `${out.join("\n")}\n`;
}

/** What `sweepwatch classify` prints for this input. */
export function runClassify(input: string, json: boolean, exitCode?: number): string {
  const result = classifyLog(input, exitCode === undefined ? undefined : { exitCode });
  return json ? `${JSON.stringify(toClassifyJson(result))}\n` : summarise(result);
}

/** What `sweepwatch classify --eval <file>` prints for this labelled file's content (throws LabelledFileError on a bad line). */
export function runEval(input: string, json: boolean): string {
  const report = evaluate(parseLabelledJsonl(input));
  return json ? `${JSON.stringify({ total: report.total, correct: report.correct, classes: report.classes, confusion: report.confusion })}\n` : formatEvalReport(report);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * `npx sweepwatch classify [--json] [--exit-code <n>] < worker.log`
 * Exits 0 whether or not a crash is found (the answer is in the output); 1 only
 * when the input cannot be read or an option is invalid.
 */
export function registerClassifyCommand(program: Command) {
  program
    .command("classify")
    .description("classify crash lines in a worker log read from stdin (random_device, cuda_oom, import_error, ...)")
    .option("--json", 'print {"primary", "crashes": [{signature, title, line, text, exitCode?}]}')
    .option("--exit-code <n>", "exit status of the process that wrote the log, if known (attached to the last crash)")
    .option("--eval <file>", 'score the classifier on a labelled file (JSON lines {"label", "text"}; label = signature id or "none") and print recall/precision per class')
    .action(async (opts: { json?: boolean; exitCode?: string; eval?: string }) => {
      if (opts.eval !== undefined) {
        let content: string;
        try {
          content = await readFile(opts.eval, "utf8");
        } catch (e) {
          process.stderr.write(`classify: cannot read ${opts.eval}: ${e instanceof Error ? e.message : String(e)}\n`);
          process.exitCode = 1;
          return;
        }
        try {
          process.stdout.write(runEval(content, opts.json === true));
        } catch (e) {
          process.stderr.write(`classify: ${opts.eval}: ${e instanceof Error ? e.message : String(e)}\n`);
          process.exitCode = 1;
        }
        return;
      }
      let exitCode: number | undefined;
      if (opts.exitCode !== undefined) {
        if (!/^\d{1,3}$/.test(opts.exitCode)) {
          process.stderr.write(`classify: --exit-code must be a number from 0 to 255, got "${opts.exitCode}"\n`);
          process.exitCode = 1;
          return;
        }
        exitCode = Number(opts.exitCode);
      }
      if (process.stdin.isTTY) process.stderr.write("classify: reading the log from stdin (end with Ctrl-D), e.g. `npx sweepwatch classify < worker.log`\n");
      let input: string;
      try {
        input = await readStdin();
      } catch (e) {
        process.stderr.write(`classify: cannot read stdin: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(runClassify(input, opts.json === true, exitCode));
    });
}
