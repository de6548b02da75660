import { SubmitJobBodySchema } from "@/lib/api/specs/jobs";

/** Checks the job form's text: valid JSON, an object, within the size limit. Returns the input or the error to show. */
export function parseJobInput(text: string): { ok: true; input: Record<string, unknown> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const parsed = SubmitJobBodySchema.shape.input.safeParse(value);
  if (!parsed.success) return { ok: false, error: `Input ${parsed.error.issues[0]?.message ?? "is invalid"}.` };
  return { ok: true, input: parsed.data };
}
