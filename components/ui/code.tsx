import type { ReactNode } from "react";

/** Inline code: commands, variable names, route paths. */
export function Code({ children }: { children: ReactNode }) {
  return <code className="rounded border border-line bg-subtle px-1 py-px font-mono text-[0.8125em] text-fg">{children}</code>;
}
