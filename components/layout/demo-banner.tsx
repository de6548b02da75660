import { Code } from "@/components/ui/code";
import { InfoIcon } from "@/components/ui/icons";

/** Shown on every page in demo mode, so nobody mistakes simulated data for real RunPod state. */
export function DemoBanner({ mode }: { mode: "demo" | "live" }) {
  if (mode !== "demo") return null;
  return (
    <aside
      aria-label="Demo mode"
      className="border-b border-amber-300/60 bg-amber-50 text-amber-900 dark:border-amber-400/20 dark:bg-amber-400/10 dark:text-amber-200"
    >
      <div className="mx-auto flex max-w-7xl items-center gap-2 px-4 py-1.5 text-xs sm:px-6">
        <InfoIcon size={14} className="shrink-0" />
        <p>
          <strong className="font-semibold">demo mode: simulated RunPod</strong>
          <span className="hidden sm:inline">
            {" "}
            · no <Code>RUNPOD_API_KEY</Code> is configured, so endpoints, workers and crashes come from the local simulator.
          </span>
        </p>
      </div>
    </aside>
  );
}
