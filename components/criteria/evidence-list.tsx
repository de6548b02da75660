import Link from "next/link";
import type { EvidenceDto } from "@/lib/api/specs/criteria";
import { EVIDENCE_KIND_LABEL, evidenceHref } from "@/lib/charts/criteria";
import { formatUtcTime } from "@/lib/format/time";

/** The records that decided a verdict, each linked to where it is shown. */
export function EvidenceList({ evidence, max = 5 }: { evidence: EvidenceDto[]; max?: number }) {
  if (!evidence.length) return null;
  return (
    <ul className="space-y-1 text-xs" aria-label="Evidence">
      {evidence.slice(0, max).map((e, i) => {
        const href = evidenceHref(e);
        const text = (
          <>
            <span className="font-medium text-fg">{EVIDENCE_KIND_LABEL[e.kind] ?? e.kind}</span>
            {e.at ? <span className="text-faint"> · {formatUtcTime(e.at, "minute")}</span> : null}
            <span className="text-muted"> · </span>
            <span className="break-words font-mono text-[0.6875rem] text-muted">{e.label}</span>
          </>
        );
        return (
          <li key={`${e.kind}-${e.id}-${i}`} className={i >= 2 ? "min-w-0 print:hidden" : "min-w-0"}>
            {href === null ? (
              text
            ) : href.startsWith("/") ? (
              <Link href={href} className="hover:underline">
                {text}
              </Link>
            ) : (
              <a href={href} target="_blank" rel="noopener noreferrer" className="hover:underline">
                {text}
              </a>
            )}
          </li>
        );
      })}
      {evidence.length > max ? <li className="text-faint print:hidden">and {evidence.length - max} more</li> : null}
    </ul>
  );
}
