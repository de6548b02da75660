import Link from "next/link";

/** A RunPod job id linking to the endpoint page's job view. */
export function JobLink({ endpointId, jobId }: { endpointId: string; jobId: string | null }) {
  if (!jobId) return <span className="text-faint">—</span>;
  return (
    <Link
      href={`/endpoints/${encodeURIComponent(endpointId)}?job=${encodeURIComponent(jobId)}`}
      className="font-mono text-xs text-accent hover:underline"
      title="Open the job on its endpoint page"
    >
      {jobId}
    </Link>
  );
}

export function WorkerText({ workerId }: { workerId: string | null }) {
  return workerId ? <span className="font-mono text-xs">{workerId}</span> : <span className="text-faint">—</span>;
}
