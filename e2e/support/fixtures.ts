import { test as base, expect } from "@playwright/test";
import { AppShell } from "./app-shell";

/** Console errors and uncaught exceptions of the page (hydration mismatches land here in production builds). */
export interface PageProblems {
  list: string[];
}

export const test = base.extend<{ shell: AppShell; problems: PageProblems }>({
  problems: async ({ page }, provide) => {
    const problems: PageProblems = { list: [] };
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.list.push(`console.error: ${msg.text()}`);
    });
    page.on("pageerror", (err) => problems.list.push(`pageerror: ${err.message}`));
    await provide(problems);
  },
  shell: async ({ page }, provide) => {
    await provide(new AppShell(page));
  },
});

export { expect };
