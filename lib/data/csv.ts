import { stringify } from "csv-stringify/sync";

/**
 * One CSV record (RFC 4180 quoting, "\n" line end) by csv-stringify. A text cell that starts like a
 * spreadsheet formula (= + - @ tab CR) gets a leading apostrophe so no spreadsheet evaluates it;
 * numbers (a negative metric) stay numbers. Booleans print as true/false, objects as JSON.
 */
export function csvRecord(cells: readonly unknown[]): string {
  return stringify([cells], {
    escape_formulas: true,
    cast: { boolean: (b) => String(b), object: (o) => JSON.stringify(o) },
  });
}
