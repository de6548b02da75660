import type { KnipConfig } from "knip";

/**
 * knip: unused files, exports and dependencies; `npm test` runs it (scripts/test-all.ts) and fails
 * on any finding. Entry points are listed here explicitly: a new process, script or benchmark is
 * found through package.json scripts or these globs; anything else is reached by import from them,
 * from Next's app/ and proxy.ts, or from a test. A new top-level entry (a CLI, a worker script)
 * gets a line in `entry`.
 */
const config: KnipConfig = {
  entry: [
    // npm start (its children lib/poller/main.ts and lib/simulator/main.ts are package.json scripts;
    // the CLI bin/sweepwatch.mjs is package.json "bin")
    "bin/start.ts",
    // npm run bench <name> imports bench/<name>.ts by name
    "bench/*.ts",
    "scripts/*.ts",
    // Playwright: its plugin would load playwright.config.ts, which needs a database URL
    "playwright.config.ts",
    "e2e/**/*.ts",
  ],
  project: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}", "bin/**/*.{ts,mjs}", "bench/**/*.ts", "scripts/**/*.ts", "e2e/**/*.ts", "*.{ts,mjs}"],
  // Next (app/, proxy.ts, next.config.ts), Vitest (vitest.config.ts, *.test.ts, global setup), ESLint,
  // PostCSS and TypeScript configs are found by knip's plugins.
  playwright: false,
  // An export used only in its own file is not dead code.
  ignoreExportsUsedInFile: true,
  ignoreDependencies: [
    "@prisma/client", // imported by the generated client in lib/generated (git-ignored)
    "tailwindcss", // imported by app/globals.css (knip does not read CSS)
  ],
  ignoreBinaries: [/^g\+\+$/, "unshare"], // lib/domain/crash/real-abort.test.ts runs them when present
  /**
   * Findings kept on purpose (each says why). Nothing else may be added here: fix the finding instead.
   */
  ignoreIssues: {
    "lib/sweeps/index.ts": ["files", "exports", "types"], // removed once the sweeps slice lands (issue 15)
    "lib/sweeps/analysis.ts": ["types"], // SampleTrial: the same
    "lib/poller/modules.ts": ["exports"], // registerPollerModule: the documented way to plug in a module (docs/poller.md)
  },
};

export default config;
