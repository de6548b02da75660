import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";

/** The wrapper sweepwatch serves at GET /api/worker-wrapper; the file in scripts/ is the one source. */
export const WRAPPER_SCRIPT_PATH = path.join(process.cwd(), "scripts", "worker-wrapper.py");

let cached: string | undefined;
export async function readWrapperScript(): Promise<string> {
  cached ??= await readFile(WRAPPER_SCRIPT_PATH, "utf8");
  return cached;
}
