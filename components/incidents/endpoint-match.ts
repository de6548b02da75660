export interface EndpointChoice {
  id: string;
  name: string;
  displayName: string | null;
}

export type EndpointMatch = { kind: "one"; id: string } | { kind: "none" } | { kind: "many"; ids: string[] };

/**
 * Resolves what someone typed in the incidents' endpoint filter: an exact id or name first, then a unique
 * case-insensitive prefix of an id or a name, then a unique substring ("randomdev" finds demo-randomdevice).
 */
export function matchEndpoint(text: string, endpoints: EndpointChoice[]): EndpointMatch {
  const t = text.trim().toLowerCase();
  if (!t) return { kind: "none" };
  const names = (e: EndpointChoice) => [e.id, e.name, e.displayName ?? ""].map((s) => s.toLowerCase()).filter(Boolean);
  for (const test of [(s: string) => s === t, (s: string) => s.startsWith(t), (s: string) => s.includes(t)]) {
    const hits = endpoints.filter((e) => names(e).some(test));
    if (hits.length === 1) return { kind: "one", id: hits[0].id };
    if (hits.length > 1) return { kind: "many", ids: hits.map((e) => e.id) };
  }
  return { kind: "none" };
}
