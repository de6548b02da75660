import { SIGNATURES } from "@/lib/domain/crash";
import type { RunbookDto } from "@/lib/api/specs/incidents";
import { signatureTitle } from "@/lib/detection/crashes";
import { RANDOM_DEVICE_RUNBOOK } from "./random-device";
import { TF_SERVERLESS_RUNBOOK } from "./tf-serverless";

/** Runbooks per crash signature (Markdown). A bare abort (exit 134) is the TensorFlow-on-serverless case first. */
const RUNBOOKS: Record<string, string> = { random_device: RANDOM_DEVICE_RUNBOOK, abort: TF_SERVERLESS_RUNBOOK };

/** The runbook's step 1 ("Confirm the variant"), as commands to paste into a shell of the same image. */
const COMMANDS: Record<string, string[]> = {
  random_device: [
    '# 134 only with TensorFlow first: the two-libstdc++ mix\npython -c "import tensorflow; import torch" </dev/null; echo $?\npython -c "import torch; import tensorflow" </dev/null; echo $?',
    '# _M_init and _M_getval bound to different files: the mix\nLD_DEBUG=bindings python -c "import tensorflow; import torch" </dev/null 2>&1 | grep -F _ZNSt13random_device',
    '# read(0, "", 4) = 0 before the abort: the mix; a failed openat("/dev/urandom") or device read: sandbox\nstrace -f -e trace=openat,read python -c "import tensorflow; import torch" </dev/null 2>&1 | tail -n 30',
    "ls -l /dev/urandom\nulimit -n\ngrep -m1 vendor_id /proc/cpuinfo",
  ],
};

export function runbookFor(signature: string): RunbookDto {
  const info = (SIGNATURES as Record<string, { title: string; explanation: string }>)[signature];
  return {
    signature,
    title: info?.title ?? signatureTitle(signature),
    explanation: info?.explanation ?? "No classified log line explains these crashes: read the worker's logs around the restarts on the timeline.",
    markdown: RUNBOOKS[signature] ?? null,
    commands: COMMANDS[signature] ?? [],
  };
}
