import type { SignatureId } from "./signatures";

const UUID_RE = /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g;
const TS_RE = /\b\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?|\b\d\d:\d\d:\d\d(?:[.,]\d+)?/g;
const HEX_RE = /\b0x[0-9a-fA-F]+\b|\b[0-9a-f]{8,}\b/g;
// A path starts after a separator (so "is/are" is not one) and runs to whitespace, quote, bracket or colon.
const PATH_RE = /(^|[\s'"(=[])(?:[A-Za-z]:\\|~?\/|\.{1,2}\/)[^\s'"():,[\]]*/g;
const NUM_RE = /\d+/g;
// A run-specific id: a token of 6+ letters, digits, - or _ holding a letter and two digits (worker, request, pod ids).
const ID_RE = /\b(?=(?:[\w-]*?\d){2})(?=[\w-]*[A-Za-z])[\w-]{6,}\b/g;
const MAX = 240;

/**
 * A message with its run-specific parts (uuids, timestamps, addresses, paths, numbers) replaced, for grouping repeats.
 * `ids`: also mask tokens mixing letters and digits (worker, request and pod ids); used for unrecognised crashes,
 * whose line is free text (classified messages keep them, so their fingerprints stay as they were).
 */
export function normaliseMessage(message: string, opts?: { ids?: boolean }): string {
  const s = message.slice(0, 1000).replace(UUID_RE, "<id>").replace(TS_RE, "<ts>");
  return (opts?.ids ? s.replace(HEX_RE, "<hex>").replace(ID_RE, "<id>") : s)
    .replace(HEX_RE, "<hex>")
    .replace(PATH_RE, "$1<path>")
    .replace(NUM_RE, "<n>")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX);
}

/** `signature:normalised message`: equal for repeats of one crash across workers, restarts and time. */
export function fingerprint(crash: { signature: SignatureId; message?: string; text: string }): string {
  return `${crash.signature}:${normaliseMessage(crash.message ?? crash.text)}`;
}
