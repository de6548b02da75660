/** The sweep controller (runs in the poller process). */
export { runSweepController, type SweepControllerContext, type ControllerSummary, type ControllerClient, type ClaimedTrial } from "./controller";
export { sweepControllerModule } from "./module";
