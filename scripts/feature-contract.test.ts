/**
 * Issue 15, "feature slices with one contract": every function a feature offers outside its folder (to
 * routes, pages, the poller, the CLI, other features) is `fn(input, ctx: Ctx)`. This test parses each
 * feature's modules, finds which of their functions other folders import, and checks the signature.
 * Pure helpers (no database, no clock, no RunPod) are exempt when listed in PURE below with the reason.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
/** The features converted to the contract; a feature joins this list when its slice is done. */
export const CONTRACT_FEATURES = ["jobs", "endpoints", "logs", "ingest", "sweeps", "damage", "incidents", "criteria", "auth"];
/** Functions other folders may call without a ctx, each with why: pure mapping and parsing, or transaction-level pieces. */
const PURE: Record<string, string> = {
  "jobs/repository.ts#encodeJobCursor": "pure: cursor encoding",
  "jobs/repository.ts#decodeJobCursor": "pure: cursor decoding",
  "endpoints/service.ts#stableStringify": "pure: JSON with sorted keys, for comparing jsonb",
  "endpoints/webhooks.ts#webhookPath": "pure: the route path of a webhook secret",
  "logs/filter.ts#logFilterFromQuery": "pure: parsed query → filter",
  "logs/filter.ts#logDownloadFilename": "pure: file name from the filter and a given time",
  "ingest/wrapper-script.ts#readWrapperScript": "reads the bundled script file: no database, clock or RunPod",
  "auth/me.ts#toMeDto": "pure: principal → DTO (and the mode from the environment)",
  "auth/outgoing-url.ts#checkOutgoingUrl": "no database or clock: URL rules and a DNS lookup (resolver injectable)",
  "auth/password.ts#passwordProblem": "pure: password rules",
  "auth/principal.ts#cliPrincipal": "pure: the CLI's principal from the shell user",
  "auth/request.ts#clientIp": "pure: request header reading",
  "auth/request.ts#isHttps": "pure: request header reading",
  "auth/request.ts#isLocalRequest": "pure: request header reading",
  "auth/request.ts#readCookie": "pure: request header reading",
  "auth/request.ts#safeNextPath": "pure: redirect path check",
  "auth/require-user.ts#getCurrentPrincipal": "page entry: finds the principal a page's ctx is made from (as apiRoute does for routes)",
  "auth/require-user.ts#requireUser": "page entry: finds the principal a page's ctx is made from, or redirects to /login",
  "auth/session.ts#sessionCookies": "pure: Set-Cookie values",
  "auth/session.ts#clearSessionCookies": "pure: Set-Cookie values",
  "auth/tokens.ts#generateWebhookSecret": "pure: random secret",
  "auth/tokens.ts#looksLikeToken": "pure: token shape check",
  "auth/tokens.ts#safeEqual": "pure: constant-time comparison",
  // transaction-level: runs inside the caller's row-locked transaction, so it takes that transaction client
  "damage/costs.ts#sweepSpend": "transaction-level: the sweep controller's and service's budget checks",
};

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (["node_modules", "generated", ".next", "migrations"].includes(name) || name.startsWith(".")) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.tsx?$/.test(name) && !/\.(test|spec)\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

interface Fn {
  params: number;
  ctxType: string | null;
}

/** Exported function declarations of a module: parameter count and the type written on the second one. */
export function exportedFunctions(source: string): Map<string, Fn> {
  const sf = ts.createSourceFile("m.ts", source, ts.ScriptTarget.Latest, true);
  const out = new Map<string, Fn>();
  for (const st of sf.statements) {
    if (!ts.isFunctionDeclaration(st) || !st.name || !st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const second = st.parameters[1];
    out.set(st.name.text, { params: st.parameters.length, ctxType: second?.type ? second.type.getText(sf) : null });
  }
  return out;
}

/** Names imported from `@/lib/<feature>/...` modules: [module path without extension, name]. */
export function importsFrom(source: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of source.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+"@\/(lib\/[\w/-]+)"/g)) {
    for (const part of m[1].split(",")) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0].trim();
      if (name) out.push([m[2], name]);
    }
  }
  return out;
}

describe("feature contract fn(input, ctx)", () => {
  it("reads signatures and imports (the check itself works)", () => {
    const fns = exportedFunctions("export async function a(input: { id: string }, ctx: Ctx<unknown>) {}\nexport function b(db: PrismaClient, id: string) {}\nfunction c() {}");
    expect(fns.get("a")).toEqual({ params: 2, ctxType: "Ctx<unknown>" });
    expect(fns.get("b")).toEqual({ params: 2, ctxType: "string" });
    expect(fns.has("c")).toBe(false);
    expect(importsFrom('import { a, type B, c as d } from "@/lib/jobs/service";')).toEqual([["lib/jobs/service", "a"], ["lib/jobs/service", "B"], ["lib/jobs/service", "c"]]);
  });

  for (const feature of CONTRACT_FEATURES) {
    it(`lib/${feature}: every function used outside the folder takes (input, ctx)`, () => {
      const dir = path.join(ROOT, "lib", feature);
      const modules = new Map<string, Map<string, Fn>>();
      // client/ holds TanStack Query options for the browser: not server functions, no ctx
      for (const f of files(dir).filter((f) => !f.includes(`${path.sep}client${path.sep}`))) modules.set(path.relative(ROOT, f).replace(/\.tsx?$/, ""), exportedFunctions(readFileSync(f, "utf8")));
      const offenders = new Set<string>();
      for (const top of ["app", "lib", "bin", "bench", "scripts", "components"]) {
        for (const f of files(path.join(ROOT, top))) {
          const rel = path.relative(ROOT, f);
          if (rel.startsWith(`lib/${feature}/`)) continue;
          for (const [mod, name] of importsFrom(readFileSync(f, "utf8"))) {
            const fn = modules.get(mod)?.get(name);
            if (!fn) continue;
            const key = `${mod.slice(4)}.ts#${name}`;
            if (PURE[key]) continue;
            if (fn.params !== 2 || !fn.ctxType?.startsWith("Ctx")) offenders.add(`${key} (imported by ${rel}): ${fn.params} parameter(s), second typed ${fn.ctxType ?? "nothing"}`);
          }
        }
      }
      expect([...offenders]).toEqual([]);
    });
  }
});
