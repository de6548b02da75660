import { Badge, type BadgeTone } from "@/components/ui/badge";
import { STATE_LABEL } from "@/lib/charts/criteria";

const TONE: Record<string, BadgeTone> = { pass: "success", fail: "danger", pending: "warning", unknown: "neutral" };
const GLYPH: Record<string, string> = { pass: "✓", fail: "✕", pending: "…", unknown: "?" };

/**
 * Traffic light with its word: the colour is never the only signal (print, colour blindness).
 * A state this UI does not know yet (the engine may add some) shows its own name in neutral grey.
 */
export function StateBadge({ state, className }: { state: string; className?: string }) {
  const label = (STATE_LABEL as Record<string, string>)[state] ?? state.replace(/_/g, " ");
  return (
    <Badge tone={TONE[state] ?? "neutral"} dot className={className}>
      <span aria-hidden className="font-semibold">
        {GLYPH[state] ?? "•"}
      </span>
      <span>{label}</span>
    </Badge>
  );
}
