import { Badge, type BadgeTone } from "@/components/ui/badge";
import { STATE_LABEL } from "@/lib/charts/criteria";
import type { CriterionState } from "@/lib/domain/criteria/rules";

const TONE: Record<CriterionState, BadgeTone> = { pass: "success", fail: "danger", pending: "warning", unknown: "neutral" };
const GLYPH: Record<CriterionState, string> = { pass: "✓", fail: "✕", pending: "…", unknown: "?" };

/** Traffic light with its word: the colour is never the only signal (print, colour blindness). */
export function StateBadge({ state, className }: { state: CriterionState; className?: string }) {
  return (
    <Badge tone={TONE[state]} dot className={className}>
      <span aria-hidden className="font-semibold">
        {GLYPH[state]}
      </span>
      <span>{STATE_LABEL[state]}</span>
    </Badge>
  );
}
