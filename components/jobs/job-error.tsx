import { parseRunpodError } from "@/lib/format/runpod-error";

/** A job or trial error: runpod-python's JSON as type, message and a formatted traceback; other text as is. */
export function JobError({ error, className }: { error: string; className?: string }) {
  const e = parseRunpodError(error);
  if (!e) return null;
  return (
    <div className={className}>
      <p className="text-sm text-red-800 dark:text-red-200">
        {e.type ? <span className="font-mono font-semibold">{e.type}: </span> : null}
        <span className="whitespace-pre-wrap break-words">{e.message}</span>
      </p>
      {e.traceback ? (
        <details className="mt-1" open>
          <summary className="cursor-pointer text-xs text-muted">Traceback</summary>
          <pre className="mt-1 max-h-60 overflow-auto whitespace-pre rounded-md bg-red-50 p-2 font-mono text-xs leading-5 text-red-900 dark:bg-red-400/10 dark:text-red-200">
            {e.traceback}
          </pre>
        </details>
      ) : null}
      {e.workerId || e.runpodVersion ? (
        <p className="mt-1 text-xs text-muted">
          {e.workerId ? `worker ${e.workerId}` : ""}
          {e.workerId && e.runpodVersion ? " · " : ""}
          {e.runpodVersion ? `runpod-python ${e.runpodVersion}` : ""}
        </p>
      ) : null}
    </div>
  );
}
