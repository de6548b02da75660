/**
 * Sweep states, trial statuses and the transitions between them: the one home of these values.
 * The API schemas, the controller, the data layer, criteria rules and the pages import them from here
 * (scripts/one-home.test.ts fails when a list of them is written out anywhere else).
 */

export const SWEEP_STATES = ["pending", "running", "paused", "stopping", "stopped", "completed", "cancelled", "failed"] as const;
export type SweepStateName = (typeof SWEEP_STATES)[number];

/** States the controller still works on: trials may be submitted, folded in or cancelled. */
export const ACTIVE_SWEEP_STATES = ["pending", "running", "paused", "stopping"] as const satisfies readonly SweepStateName[];

/** States whose trials still change on their own: pages poll these fast. */
export const LIVE_SWEEP_STATES = ["pending", "running", "stopping"] as const satisfies readonly SweepStateName[];

export function isActiveSweepState(state: string): boolean {
  return (ACTIVE_SWEEP_STATES as readonly string[]).includes(state);
}

/** What a person may do to a sweep, and from which states (pause keeps trials in flight; cancel cancels their jobs). */
export type SweepAction = "pause" | "resume" | "stop" | "cancel";
export const SWEEP_ACTIONS_FROM: Record<SweepAction, readonly SweepStateName[]> = {
  pause: ["pending", "running"],
  resume: ["paused"],
  stop: ["pending", "running", "paused"],
  cancel: ACTIVE_SWEEP_STATES,
};

export function allowedSweepActions(state: SweepStateName): SweepAction[] {
  return (Object.keys(SWEEP_ACTIONS_FROM) as SweepAction[]).filter((a) => SWEEP_ACTIONS_FROM[a].includes(state));
}

export const TRIAL_STATUSES = ["pending", "submitting", "queued", "running", "completed", "failed", "cancelled", "expired", "stopped"] as const;
export type TrialStatusName = (typeof TRIAL_STATUSES)[number];

/** Trials that hold (or are about to hold) a RunPod job. */
export const IN_FLIGHT_TRIAL_STATUSES = ["pending", "submitting", "queued", "running"] as const satisfies readonly TrialStatusName[];

/** Trials whose /run was sent (or is being sent): a stop waits for these. */
export const SUBMITTED_TRIAL_STATUSES = ["submitting", "queued", "running"] as const satisfies readonly TrialStatusName[];

/** Trials with a job on RunPod that a cancel must reach. */
export const JOB_TRIAL_STATUSES = ["queued", "running"] as const satisfies readonly TrialStatusName[];
