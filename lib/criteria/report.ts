import type { CriterionState, Horizon } from "@/lib/domain/criteria/rules";
import { buildDayBars, countByHorizon, countdownText, evidenceHref, EVIDENCE_KIND_LABEL, HORIZON_LABEL, HORIZON_ORDER, STATE_LABEL } from "@/lib/charts/criteria";

/** The criteria as Markdown for a weekly update (GET /api/criteria/report.md). Pure. */

export interface ReportCriterion {
  horizon: Horizon;
  title: string;
  state: CriterionState;
  since: string | null;
  summary: string;
  endpointId: string | null;
  enabled: boolean;
  evidence: { kind: string; id: string; endpointId?: string; at?: string; label: string; href?: string }[];
  countdownEndsAt: string | null;
  resetReason: string | null;
  history: { at: string; state: CriterionState }[];
}

const MARK: Record<CriterionState, string> = { pass: "✅", fail: "❌", pending: "⏳", unknown: "❔" };
const BAR: Record<CriterionState | "none", string> = { pass: "🟩", fail: "🟥", pending: "🟨", unknown: "⬜", none: "·" };

function esc(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function buildCriteriaReport(input: {
  criteria: ReportCriterion[];
  now: Date;
  /** Absolute origin for links (e.g. https://sweepwatch.example.com); relative links without it. */
  origin?: string;
  endpointName?: string | null;
  evaluatedAt: string | null;
}): string {
  const { now } = input;
  const enabled = input.criteria.filter((c) => c.enabled);
  const counts = countByHorizon(enabled);
  const total = { pass: 0, fail: 0, pending: 0, unknown: 0 } as Record<CriterionState, number>;
  for (const c of enabled) total[c.state]++;
  const link = (path: string) => (path.startsWith("http") ? path : `${input.origin ?? ""}${path}`);
  const lines: string[] = [];
  lines.push(`# Success criteria${input.endpointName ? ` — ${input.endpointName}` : ""}`);
  lines.push("");
  lines.push(`Report of ${now.toISOString().slice(0, 16).replace("T", " ")} UTC; last evaluated ${input.evaluatedAt ? input.evaluatedAt.slice(0, 16).replace("T", " ") + " UTC" : "never"}.`);
  lines.push("");
  lines.push(`**${total.pass} pass, ${total.fail} fail, ${total.pending} pending, ${total.unknown} unknown** (${enabled.length} criteria).`);
  lines.push("");
  lines.push("Trend: one square per day over the last 4 weeks (🟩 pass, 🟥 fail, 🟨 pending, ⬜ unknown, · no data); the worst state of the day wins.");
  for (const horizon of HORIZON_ORDER) {
    const list = enabled.filter((c) => c.horizon === horizon);
    if (!list.length) continue;
    const h = counts.find((x) => x.horizon === horizon)!;
    lines.push("");
    lines.push(`## ${HORIZON_LABEL[horizon]} (${h.counts.pass}/${h.total} pass)`);
    lines.push("");
    lines.push("| State | Criterion | Since | Evidence from | Summary | Trend (4 weeks) |");
    lines.push("|---|---|---|---|---|---|");
    for (const c of list) {
      const trend = buildDayBars(c.history, { now, days: 28 }).map((b) => BAR[b.worst]).join("");
      const cd = c.state === "pending" || c.state === "fail" ? countdownText(c.countdownEndsAt, now.getTime()) : null;
      const times = c.evidence.map((e) => (e.at ? Date.parse(e.at) : NaN)).filter((t) => !Number.isNaN(t));
      const evidenceFrom = times.length ? new Date(Math.max(...times)).toISOString().slice(0, 16).replace("T", " ") : "–";
      const summary = [c.summary, cd ? `(passes in ${cd} if nothing changes)` : "", c.resetReason ? `Reset: ${c.resetReason}.` : ""].filter(Boolean).join(" ");
      lines.push(`| ${MARK[c.state]} ${STATE_LABEL[c.state]} | ${esc(c.title)} | ${c.since ? c.since.slice(0, 16).replace("T", " ") : "–"} | ${evidenceFrom} | ${esc(summary)} | ${trend} |`);
    }
    const withEvidence = list.filter((c) => c.evidence.length && c.state !== "pass");
    for (const c of withEvidence) {
      lines.push("");
      lines.push(`Evidence for “${esc(c.title)}”:`);
      for (const e of c.evidence.slice(0, 5)) {
        const href = evidenceHref(e);
        const text = `${EVIDENCE_KIND_LABEL[e.kind] ?? e.kind}${e.at ? ` ${e.at.slice(0, 19).replace("T", " ")}` : ""}: ${e.label}`;
        lines.push(`- ${href ? `[${esc(text)}](${link(href)})` : esc(text)}`);
      }
    }
  }
  if (!enabled.length) {
    lines.push("");
    lines.push("No criteria are defined yet.");
  }
  lines.push("");
  return lines.join("\n");
}
