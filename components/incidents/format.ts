/** "3 min ago", "2 h ago"; null `now` (before hydration) → the ISO time. */
export function ago(iso: string | null, now: number | null): string {
  if (!iso) return "—";
  if (now === null) return new Date(iso).toISOString().replace("T", " ").slice(0, 19) + " UTC";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 360) / 10} h ago`;
  return `${Math.round(s / 8640) / 10} d ago`;
}

export function utc(iso: string | null): string {
  return iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 19) + " UTC" : "—";
}
