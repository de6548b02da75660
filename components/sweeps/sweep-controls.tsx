"use client";

import { useRef, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { SweepDetailDtoSchema, type SweepDetailDto } from "@/lib/api/specs/sweeps";
import { allowedSweepActions, type SweepAction } from "@/lib/domain/sweep/states";
import { sendJson } from "@/lib/queries/send-json";
import { sweepKeys, sweepUrls } from "@/lib/sweeps/client/queries";
import { Button } from "@/components/ui/button";

type Verb = SweepAction;

const LABEL: Record<Verb, string> = { pause: "Pause", resume: "Resume", stop: "Stop", cancel: "Cancel sweep" };
const HINT: Record<Verb, string> = {
  pause: "Submit no new trials; trials in flight go on",
  resume: "Submit trials again",
  stop: "Submit no new trials and let running ones finish",
  cancel: "Cancel the RunPod jobs of every trial in flight",
};

/** Pause / resume / stop / cancel; cancel asks for confirmation first. */
export function SweepControls({ sweep }: { sweep: SweepDetailDto }) {
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: (verb: Verb) => sendJson("POST", sweepUrls.action(sweep.id, verb), undefined, SweepDetailDtoSchema),
    onMutate: () => setError(null),
    onSuccess: (dto) => {
      queryClient.setQueryData(sweepKeys.detail(sweep.id), dto);
      void queryClient.invalidateQueries({ queryKey: sweepKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: sweepKeys.detail(sweep.id) });
    },
    onError: (err) => setError(err instanceof Error ? err.message : "The action failed."),
  });
  const verbs = allowedSweepActions(sweep.state);
  const inFlight = sweep.progress.running + sweep.progress.queued + sweep.progress.pending;
  if (verbs.length === 0) return null;
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Sweep controls">
        {verbs.map((v) => (
          <Button
            key={v}
            size="sm"
            variant={v === "cancel" ? "danger" : "secondary"}
            title={HINT[v]}
            disabled={mutation.isPending}
            onClick={() => (v === "cancel" ? dialog.current?.showModal() : mutation.mutate(v))}
          >
            {mutation.isPending && mutation.variables === v ? `${LABEL[v]}…` : LABEL[v]}
          </Button>
        ))}
      </div>
      {error ? (
        <p role="alert" className="text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : null}
      <dialog
        ref={dialog}
        aria-labelledby={`cancel-${sweep.id}-title`}
        className="m-auto w-full max-w-md rounded-lg border border-line bg-surface p-0 text-fg shadow-xl backdrop:bg-black/40"
      >
        <form method="dialog" className="space-y-3 p-5">
          <h2 id={`cancel-${sweep.id}-title`} className="text-base font-semibold">
            Cancel this sweep?
          </h2>
          <p className="text-sm text-muted">
            sweepwatch cancels the RunPod jobs of the {inFlight} trial{inFlight === 1 ? "" : "s"} in flight and submits no new ones. Completed trials and
            their results are kept. This cannot be undone; to let running trials finish, use Stop instead.
          </p>
          <div className="flex justify-end gap-2 pt-2">
            <Button type="submit" value="keep" autoFocus>
              Keep running
            </Button>
            <Button
              variant="danger"
              onClick={() => {
                dialog.current?.close();
                mutation.mutate("cancel");
              }}
            >
              Cancel sweep
            </Button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
