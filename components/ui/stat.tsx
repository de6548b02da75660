import type { ReactNode } from "react";

/** One labelled figure in a <dl> grid (see StatGrid). */
export function Stat({ label, value, hint, icon }: { label: string; value: ReactNode; hint?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="min-w-0 px-4 py-3">
      <dt className="flex items-center gap-1.5 text-xs font-medium text-muted">
        {icon ? <span aria-hidden className="text-faint">{icon}</span> : null}
        {label}
      </dt>
      <dd className="mt-1.5 text-sm font-medium text-fg">{value}</dd>
      {hint ? <dd className="mt-1 text-xs text-muted">{hint}</dd> : null}
    </div>
  );
}

export function StatGrid({ children, label }: { children: ReactNode; label?: string }) {
  return (
    <dl aria-label={label} className="grid grid-cols-1 divide-y divide-line sm:grid-cols-3 sm:divide-x sm:divide-y-0">
      {children}
    </dl>
  );
}
