import { Badge } from "@/components/ui/badge";

export function IncidentStateBadge({ state, regressionCount = 0 }: { state: "open" | "acknowledged" | "resolved"; regressionCount?: number }) {
  if (state === "resolved") return <Badge tone="success" dot>Resolved</Badge>;
  const regressed = regressionCount > 0 ? ` · regressed${regressionCount > 1 ? ` ×${regressionCount}` : ""}` : "";
  if (state === "acknowledged") return <Badge tone="warning" dot>{`Acknowledged${regressed}`}</Badge>;
  return (
    <Badge tone="danger" dot pulse>
      {`Open${regressed}`}
    </Badge>
  );
}

export function SignatureBadge({ signature }: { signature: string }) {
  return (
    <Badge tone={signature === "random_device" ? "danger" : "neutral"} className="font-mono">
      {signature}
    </Badge>
  );
}
