import { randomDeviceVariant, SIGNATURES } from "@/lib/domain/crash";
import type { RunbookDto } from "@/lib/api/specs/incidents";
import { signatureTitle } from "@/lib/domain/crash/signatures";
import { RANDOM_DEVICE_RUNBOOK } from "@/lib/incidents/detection/runbooks/random-device";
import { TF_SERVERLESS_RUNBOOK } from "@/lib/incidents/detection/runbooks/tf-serverless";
import { RANDOM_DEVICE_VARIANT_INFO } from "@/lib/incidents/detection/runbooks/variants";

/** Runbooks per crash signature (Markdown; random_device's is chosen per family below). A bare abort (exit 134) is the TensorFlow-on-serverless case first. */
const RUNBOOKS: Record<string, string> = { abort: TF_SERVERLESS_RUNBOOK };

/**
 * The runbook for an incident's signature. For random_device, `lines` (the matched lines of its crash)
 * choose the family (randomDeviceVariant): stdin / two libstdc++ copies, sandboxed device, or the CPU's
 * rdseed/rdrand; its section, explanation and confirmation commands come first, then the shared note.
 */
export function runbookFor(signature: string, lines: readonly string[] = []): RunbookDto {
  const info = (SIGNATURES as Record<string, { title: string; explanation: string }>)[signature];
  if (signature === "random_device") {
    const variant = randomDeviceVariant(lines);
    const v = RANDOM_DEVICE_VARIANT_INFO[variant];
    return { signature, variant, title: v.title, explanation: v.explanation, markdown: `${v.markdown}\n${RANDOM_DEVICE_RUNBOOK}`, commands: v.commands };
  }
  return {
    signature,
    variant: null,
    title: info?.title ?? signatureTitle(signature),
    explanation: info?.explanation ?? "No classified log line explains these crashes: read the worker's logs around the restarts on the timeline.",
    markdown: RUNBOOKS[signature] ?? null,
    commands: [],
  };
}
