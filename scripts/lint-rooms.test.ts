import { ESLint } from "eslint";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Plants one import per room rule of CONTRIBUTING.md into a file that does not exist on disk
 * (ESLint lints the text as if it were at that path, with the project's real config) and
 * expects lint to fail with that rule's message; the allowed counterpart must pass.
 */
const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, "..") });

async function roomErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === "boundaries/dependencies" || m.ruleId === "rooms/use-client-imports").map((m) => m.message);
}

const cases: { rule: string; file: string; bad: string; good: string }[] = [
  { rule: "Rule 1", file: "lib/data/planted.ts", bad: 'import { Button } from "@/components/ui/button";', good: 'import { getPrisma } from "@/lib/db";' },
  { rule: "Rule 1", file: "lib/poller/planted.ts", bad: 'import * as page from "@/app/page";', good: 'import { loadEnv } from "@/lib/env";' },
  { rule: "Rule 2", file: "lib/domain/planted.ts", bad: 'import { getPrisma } from "@/lib/db";', good: 'import { z } from "zod";' },
  { rule: "Rule 2", file: "lib/domain/planted.ts", bad: 'import { listEndpoints } from "@/lib/endpoints/repository";', good: 'import { ExportQuerySchema } from "@/lib/api/specs/sweeps";' },
  { rule: "Rule 2", file: "lib/charts/planted.ts", bad: 'import { loadEnv } from "@/lib/env";', good: 'import { z } from "zod";' },
  { rule: "Rule 2", file: "lib/charts/planted.ts", bad: 'import { randomBytes } from "node:crypto";', good: 'import { z } from "zod";' },
  { rule: "Rule 2", file: "lib/api/specs/planted.ts", bad: 'import { AppError } from "@/lib/http/errors";', good: 'import type { RouteSpec } from "@/lib/http/spec";' },
  { rule: "Rule 2", file: "lib/domain/planted.ts", bad: 'import pg from "pg";', good: 'import { z } from "zod";' },
  { rule: "Rule 3", file: "lib/queries/planted.ts", bad: 'import { listEndpoints } from "@/lib/endpoints/repository";', good: 'import { ExportQuerySchema } from "@/lib/api/specs/sweeps";' },
  { rule: "Rule 3", file: "components/planted.tsx", bad: 'import { login } from "@/lib/auth/login";', good: 'import { Button } from "@/components/ui/button";' },
  { rule: "Rule 3", file: "components/planted.tsx", bad: 'import { loadEnv } from "@/lib/env";', good: 'import { Button } from "@/components/ui/button";' },
  { rule: "Rule 4", file: "app/planted/page.tsx", bad: 'import { getPrisma } from "@/lib/db";', good: 'import { listEndpoints } from "@/lib/endpoints/repository";' },
  { rule: "Rule 5", file: "lib/simulator/planted.ts", bad: 'import { createRunpodClient } from "@/lib/runpod/client";', good: 'import { z } from "zod";' },
  { rule: "Rule 5", file: "lib/simulator/planted.ts", bad: 'import { getPrisma } from "@/lib/db";', good: 'import { createLogger } from "@/lib/log";' },
  { rule: "Rule 1", file: "lib/log.ts", bad: 'import { Button } from "@/components/ui/button";', good: 'import { z } from "zod";' },
  // feature slices: client code reaches a feature only through its queries module
  { rule: "Rule 3", file: "components/planted.tsx", bad: 'import { submitJob } from "@/lib/jobs/service";', good: 'import { jobQueryOptions } from "@/lib/jobs/client/queries";' },
  { rule: "Rule 3", file: "lib/jobs/client/queries.ts", bad: 'import { listJobs } from "@/lib/jobs/repository";', good: 'import { fetchJson } from "@/lib/queries/fetch-json";' },
  { rule: "Rule 3", file: "lib/endpoints/client/timeline-queries.ts", bad: 'import { getPrisma } from "@/lib/db";', good: 'import { fetchJson } from "@/lib/queries/fetch-json";' },
  { rule: "Rule 2", file: "lib/domain/planted.ts", bad: 'import { listJobs } from "@/lib/jobs/repository";', good: 'import { z } from "zod";' },
  { rule: "Rule 2", file: "lib/format/planted.ts", bad: 'import { getPrisma } from "@/lib/db";', good: 'import { intervalToDuration } from "date-fns";' },
  // relative paths are resolved too
  { rule: "Rule 2", file: "lib/domain/planted.ts", bad: 'import { getPrisma } from "../db";', good: 'import { z } from "zod";' },
];

describe("room rules (eslint.rooms.mjs)", () => {
  it.each(cases)("$rule: $file may not $bad", async ({ rule, file, bad, good }) => {
    const errors = await roomErrors(file, `${bad}\nexport const planted = 1;\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^${rule}:`));
    expect(await roomErrors(file, `${good}\nexport const planted = 1;\n`)).toEqual([]);
  }, 60_000);

  it('Rule 3: a "use client" module under app/ may not import server-only code', async () => {
    const file = "app/admin/planted-panel.tsx";
    for (const bad of ['import { listUsers } from "@/lib/auth/repository";', 'import { loadEnv } from "@/lib/env";', 'import { listUsers } from "../../lib/auth/repository";']) {
      const errors = await roomErrors(file, `"use client";\n${bad}\nexport const planted = 1;\n`);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^Rule 3: a "use client" module never imports/);
    }
    expect(await roomErrors(file, '"use client";\nimport { csrfHeaders } from "@/lib/queries/send-json";\nexport const planted = 1;\n')).toEqual([]);
    expect(await roomErrors(file, '"use client";\nimport { meQueryOptions } from "@/lib/auth/client/queries";\nexport const planted = 1;\n')).toEqual([]);
    expect(await roomErrors(file, '"use client";\nimport { listJobs } from "@/lib/jobs/repository";\nexport const planted = 1;\n')).toHaveLength(1);
    // the same import in a server component is fine
    expect(await roomErrors(file, 'import { listUsers } from "@/lib/auth/repository";\nexport const planted = 1;\n')).toEqual([]);
  }, 60_000);

  it("lets tests import the route handlers they call", async () => {
    expect(await roomErrors("lib/data/planted.db.test.ts", 'export const load = () => import("@/app/api/endpoints/route");\n')).toEqual([]);
    expect(await roomErrors("lib/data/planted.ts", 'export const load = () => import("@/app/api/endpoints/route");\n')).toHaveLength(1);
  }, 60_000);
});
