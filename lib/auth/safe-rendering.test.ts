import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Text attackers can write (log lines, notes, sweep names, configs) must render as text.
 * React escapes text by default; these are the ways around it, so none may appear except
 * the audited, constant theme bootstrap script in the root layout.
 */
const ROOT = path.resolve(import.meta.dirname, "..", "..");
const ALLOWED_INNER_HTML = [{ file: "app/layout.tsx", expression: "{ __html: themeInitScript }" }];

function sources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name === "generated" || e.name === "node_modules" || e.name.startsWith(".")) continue;
        walk(rel);
      } else if (/\.(tsx?|jsx?|mjs)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) {
        out.push({ file: rel.split(path.sep).join("/"), text: readFileSync(path.join(ROOT, rel), "utf8") });
      }
    }
  };
  for (const d of ["app", "components", "lib"]) walk(d);
  return out;
}

describe("safe rendering", () => {
  const files = sources();

  it("scans the UI sources", () => {
    expect(files.some((f) => f.file.startsWith("app/"))).toBe(true);
    expect(files.some((f) => f.file.startsWith("components/"))).toBe(true);
  });

  it("uses dangerouslySetInnerHTML nowhere but the constant theme script", () => {
    const hits: string[] = [];
    for (const f of files) {
      for (const m of f.text.matchAll(/dangerouslySetInnerHTML\s*=\s*\{(\{[^}]*\})\}/g)) {
        const ok = ALLOWED_INNER_HTML.some((a) => a.file === f.file && m[1].replace(/\s+/g, " ").trim() === a.expression);
        if (!ok) hits.push(`${f.file}: ${m[0]}`);
      }
      const count = (f.text.match(/dangerouslySetInnerHTML/g) ?? []).length;
      const matched = [...f.text.matchAll(/dangerouslySetInnerHTML\s*=\s*\{\{[^}]*\}\}/g)].length;
      if (count !== matched) hits.push(`${f.file}: dangerouslySetInnerHTML in a form this test cannot audit`);
    }
    expect(hits).toEqual([]);
  });

  it("never lets Markdown render raw HTML or unsafe links, and never writes HTML by hand", () => {
    const hits: string[] = [];
    for (const f of files) {
      for (const bad of [/rehype-raw/, /allowDangerousHtml/, /urlTransform\s*=/, /\.innerHTML\s*=/, /\.outerHTML\s*=/, /insertAdjacentHTML/, /document\.write\(/, /\beval\(/, /new Function\(/]) {
        if (bad.test(f.text)) hits.push(`${f.file}: ${bad.source}`);
      }
    }
    expect(hits).toEqual([]);
  });
});
