import { z } from "zod";
import { RuleParamSchemas, type RuleName } from "@/lib/domain/criteria/rules";

/** A form field derived from a rule's param schema (zod → JSON Schema), so the editor follows the typed rule set. */
export type ParamField =
  | { name: string; kind: "number"; integer: boolean; min?: number; max?: number; nullable: false }
  | { name: string; kind: "text"; nullable: boolean }
  | { name: string; kind: "json"; nullable: false };

interface JsonProp {
  type?: string;
  anyOf?: JsonProp[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

export function paramFields(rule: string): ParamField[] {
  if (!(rule in RuleParamSchemas)) return [];
  const json = z.toJSONSchema(RuleParamSchemas[rule as RuleName], { io: "input" }) as { properties?: Record<string, JsonProp> };
  return Object.entries(json.properties ?? {}).map(([name, p]): ParamField => {
    const variants = p.anyOf ?? [p];
    const nullable = variants.some((v) => v.type === "null");
    const main = variants.find((v) => v.type !== "null") ?? {};
    if (main.type === "number" || main.type === "integer") {
      return { name, kind: "number", integer: main.type === "integer", min: main.minimum ?? main.exclusiveMinimum, max: main.maximum, nullable: false };
    }
    if (main.type === "string") return { name, kind: "text", nullable };
    return { name, kind: "json", nullable: false };
  });
}

/** Form values (strings) of the current params. */
export function toFormValues(fields: ParamField[], params: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = params[f.name];
    out[f.name] = f.kind === "json" ? JSON.stringify(v ?? {}, null, 2) : v === null || v === undefined ? "" : String(v);
  }
  return out;
}

/** Form values → params; the server validates again (422 naming the field). */
export function fromFormValues(fields: ParamField[], values: Record<string, string>): { ok: true; params: Record<string, unknown> } | { ok: false; field: string; message: string } {
  const params: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = (values[f.name] ?? "").trim();
    if (f.kind === "number") {
      const n = Number(raw);
      if (raw === "" || !Number.isFinite(n)) return { ok: false, field: f.name, message: "must be a number" };
      params[f.name] = n;
    } else if (f.kind === "text") {
      params[f.name] = raw === "" && f.nullable ? null : raw;
    } else {
      try {
        params[f.name] = JSON.parse(raw || "{}");
      } catch {
        return { ok: false, field: f.name, message: "must be valid JSON" };
      }
    }
  }
  return { ok: true, params };
}

/** "maxP90OverMedianPct" → "Max p90 over median %". */
export function fieldLabel(name: string): string {
  const words = name
    .replace(/Pct$/, " %")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
