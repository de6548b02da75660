#!/usr/bin/env node
// Entry for `npx sweepwatch`: load TypeScript through tsx, with the project's tsconfig paths.
import { register } from "tsx/esm/api";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
register({ tsconfig: path.join(here, "..", "tsconfig.json") });
await import("./sweepwatch.ts");
