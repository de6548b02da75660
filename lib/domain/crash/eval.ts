import { classifyLog } from "./classifier";
import { SIGNATURE_IDS, type SignatureId } from "./signatures";

/** Signatures the classifier names (unrecognised is detection's, for crashes no signature matches). */
const CLASSIFIED = SIGNATURE_IDS.filter((s): s is Exclude<SignatureId, "unrecognised"> => s !== "unrecognised");

/** A label is a signature id the classifier names or "none" (the text shows no crash the classifier should name). */
export const EVAL_LABELS = [...CLASSIFIED, "none"] as const;
export type EvalLabel = (typeof EVAL_LABELS)[number];

export interface LabelledExample {
  label: EvalLabel;
  text: string;
  source?: string;
}

export interface ClassStats {
  label: EvalLabel;
  /** Examples with this label. */
  support: number;
  /** Examples the classifier named this label. */
  predicted: number;
  truePositives: number;
  /** null when there is nothing to divide by (no example with, or no prediction of, this label). */
  recall: number | null;
  precision: number | null;
}

export interface EvalMiss {
  index: number;
  label: EvalLabel;
  predicted: EvalLabel;
  source?: string;
  text: string;
}

export interface EvalReport {
  total: number;
  correct: number;
  classes: ClassStats[];
  /** confusion[label][predicted] = count, only non-zero cells. */
  confusion: Partial<Record<EvalLabel, Partial<Record<EvalLabel, number>>>>;
  misses: EvalMiss[];
}

const LABEL_SET: ReadonlySet<string> = new Set(EVAL_LABELS);

export class LabelledFileError extends Error {}

/**
 * Parses a labelled file: one JSON object per line with `label` (a signature id or "none") and `text`.
 * Blank lines are skipped. Any bad line throws, naming its line number; nothing is evaluated then.
 */
export function parseLabelledJsonl(input: string): LabelledExample[] {
  const out: LabelledExample[] = [];
  const lines = input.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      throw new LabelledFileError(`line ${i + 1}: not valid JSON`);
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new LabelledFileError(`line ${i + 1}: expected an object {"label", "text"}`);
    const o = v as Record<string, unknown>;
    if (typeof o.text !== "string") throw new LabelledFileError(`line ${i + 1}: "text" must be a string`);
    if (typeof o.label !== "string" || !LABEL_SET.has(o.label)) {
      throw new LabelledFileError(`line ${i + 1}: "label" must be one of ${EVAL_LABELS.join(", ")}, got ${JSON.stringify(o.label)}`);
    }
    out.push({ label: o.label as EvalLabel, text: o.text, ...(typeof o.source === "string" ? { source: o.source } : {}) });
  }
  if (out.length === 0) throw new LabelledFileError("no labelled lines found");
  return out;
}

/** What the classifier names for a whole excerpt: its primary signature, or "none". */
export function predictLabel(text: string): EvalLabel {
  const p = classifyLog(text).primary;
  return p === null || p === "unrecognised" ? "none" : p;
}

/** Scores predictions against labels: per-class recall and precision and the confusion matrix. */
export function evaluate(examples: readonly LabelledExample[], predict: (text: string) => EvalLabel = predictLabel): EvalReport {
  const confusion: EvalReport["confusion"] = {};
  const misses: EvalMiss[] = [];
  let correct = 0;
  examples.forEach((ex, index) => {
    const p = predict(ex.text);
    const row = (confusion[ex.label] ??= {});
    row[p] = (row[p] ?? 0) + 1;
    if (p === ex.label) correct++;
    else misses.push({ index, label: ex.label, predicted: p, source: ex.source, text: ex.text });
  });
  const classes: ClassStats[] = [];
  for (const label of EVAL_LABELS) {
    const support = Object.values(confusion[label] ?? {}).reduce((a, n) => a + (n ?? 0), 0);
    let predicted = 0;
    for (const row of Object.values(confusion)) predicted += row?.[label] ?? 0;
    if (support === 0 && predicted === 0) continue;
    const tp = confusion[label]?.[label] ?? 0;
    classes.push({
      label,
      support,
      predicted,
      truePositives: tp,
      recall: support === 0 ? null : tp / support,
      precision: predicted === 0 ? null : tp / predicted,
    });
  }
  return { total: examples.length, correct, classes, confusion, misses };
}

function pct(x: number | null): string {
  return x === null ? "-" : `${(x * 100).toFixed(1)}%`;
}

/** Fixed-width table: one row per class (recall, precision, counts), then the confusion matrix and the misses. */
export function formatEvalReport(r: EvalReport, opts?: { misses?: boolean }): string {
  const labels = r.classes.map((c) => c.label);
  const w = Math.max(5, ...labels.map((l) => l.length));
  const out: string[] = [];
  out.push(`${r.total} examples, ${r.correct} classified as labelled (${pct(r.total === 0 ? null : r.correct / r.total)})`, "");
  out.push(`${"label".padEnd(w)}  ${"support".padStart(7)}  ${"predicted".padStart(9)}  ${"correct".padStart(7)}  ${"recall".padStart(7)}  ${"precision".padStart(9)}`);
  for (const c of r.classes) {
    out.push(
      `${c.label.padEnd(w)}  ${String(c.support).padStart(7)}  ${String(c.predicted).padStart(9)}  ${String(c.truePositives).padStart(7)}  ${pct(c.recall).padStart(7)}  ${pct(c.precision).padStart(9)}`,
    );
  }
  out.push("", "Confusion (rows: label, columns: predicted; columns numbered as the rows):");
  const cw = Math.max(3, String(r.total).length);
  out.push(`${"".padEnd(w + 4)}${labels.map((_, i) => String(i + 1).padStart(cw)).join(" ")}`);
  labels.forEach((l, i) => {
    const row = r.confusion[l] ?? {};
    out.push(`${String(i + 1).padStart(2)}. ${l.padEnd(w)}${labels.map((p) => String(row[p] ?? ".").padStart(cw)).join(" ")}`);
  });
  if (opts?.misses !== false && r.misses.length > 0) {
    out.push("", "Misses:");
    for (const m of r.misses) {
      const first = m.text.split("\n").find((l) => l.trim() !== "") ?? "";
      out.push(`  #${m.index + 1} ${m.label} -> ${m.predicted}${m.source ? `  ${m.source}` : ""}`);
      out.push(`     ${first.length > 120 ? `${first.slice(0, 120)}...` : first}`);
    }
  }
  return `${out.join("\n")}\n`;
}
