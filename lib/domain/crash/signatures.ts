import { z } from "zod";

/**
 * Crash signatures, most specific first. The order is the precedence used to
 * pick one signature for a crash event (several lines of one crash) and the
 * `primary` of a whole log: a `what(): random_device could not be read` line
 * and the `Aborted (core dumped)` after it are one crash whose signature is
 * `random_device`.
 *
 * `unrecognised` is never named by the classifier: detection gives it to a worker that exited or
 * restarted with output matching no other signature, fingerprinted by its last error line
 * (unrecognised.ts), so unknown crashes still form groups, incidents and the crash_loop verdict.
 */
export const SIGNATURE_IDS = [
  "random_device",
  "device_not_available",
  "cuda_oom",
  "cuda_driver",
  "no_gpu",
  "nccl",
  "import_error",
  "missing_file",
  "segfault",
  "oom_killed",
  "illegal_instruction",
  "python_exception",
  "abort",
  "unrecognised",
] as const;

export const SignatureIdSchema = z.enum(SIGNATURE_IDS);
export type SignatureId = z.infer<typeof SignatureIdSchema>;

/** Signatures detection adds for crashes seen without a classifiable log line. */
export const UNKNOWN_RESTART = "unknown_restart";
export const EXIT_CODE = "exit_code";
/** Fingerprint and signature of a crash loop seen only as restarts / unhealthy workers, without readable logs. */
export const UNKNOWN_LOOP = "crash_loop_unknown";
/** Every signature a crash event or crash-loop incident can carry: the classifier's and detection's own. */
export type CrashSignature = SignatureId | typeof UNKNOWN_RESTART | typeof EXIT_CODE | typeof UNKNOWN_LOOP;

export const EXTRA_SIGNATURE_TITLES: Record<Exclude<CrashSignature, SignatureId>, string> = {
  [UNKNOWN_RESTART]: "Worker restarted without a crash log",
  [EXIT_CODE]: "Worker process exited with an error",
  [UNKNOWN_LOOP]: "Crash loop, cause unknown",
};

export function isClassifierSignature(s: string): s is SignatureId {
  return (SIGNATURE_IDS as readonly string[]).includes(s);
}

export interface SignatureInfo {
  id: SignatureId;
  title: string;
  explanation: string;
}

export const SIGNATURES: Record<SignatureId, SignatureInfo> = {
  random_device: {
    id: "random_device",
    title: "std::random_device could not be read",
    explanation:
      "A native library (TensorFlow, a second libstdc++ copy, ...) threw from std::random_device and the process aborted at start-up. " +
      "Usually two libstdc++ copies in one process (read of stdin = EOF) or a sandboxed /dev/urandom; restarting never fixes it. See the random_device runbook.",
  },
  device_not_available: {
    id: "device_not_available",
    title: "GPU present but not usable",
    explanation:
      "CUDA sees the GPU but cannot use it: busy or exclusive-process compute mode, the GPU fell off the bus or has uncorrectable ECC errors. A host problem; move the worker.",
  },
  cuda_oom: {
    id: "cuda_oom",
    title: "CUDA out of memory",
    explanation: "A GPU allocation failed. Lower the batch size or model size, or pick a GPU with more memory.",
  },
  cuda_driver: {
    id: "cuda_driver",
    title: "CUDA driver problem",
    explanation:
      "The CUDA driver is missing, too old for the image's CUDA runtime, or mismatched with its user-space library. Pin a CUDA version the host driver supports (endpoint allowedCudaVersions).",
  },
  no_gpu: {
    id: "no_gpu",
    title: "No GPU visible",
    explanation: "The process found no CUDA device at all (CPU-only host, GPU not passed into the container, CUDA_VISIBLE_DEVICES empty).",
  },
  nccl: {
    id: "nccl",
    title: "NCCL / collective communication failure",
    explanation: "A distributed collective failed or timed out (NCCL error, watchdog timeout). Check the interconnect, peers and NCCL settings.",
  },
  import_error: {
    id: "import_error",
    title: "Import failed",
    explanation: "A Python module or shared library could not be loaded: missing from the image, wrong version or wrong CUDA build.",
  },
  missing_file: {
    id: "missing_file",
    title: "Missing file",
    explanation:
      "A file the worker needs is absent. `test_input.json not found, exiting.` means runpod-python started without RUNPOD_WEBHOOK_GET_JOB (local mode): the image is run outside a serverless worker or its env was stripped.",
  },
  segfault: {
    id: "segfault",
    title: "Segmentation fault",
    explanation: "Native code crashed with SIGSEGV (exit status 139): usually a binary/library mismatch or a bug in an extension module.",
  },
  oom_killed: {
    id: "oom_killed",
    title: "Killed (out of memory)",
    explanation: "The process was SIGKILLed (exit status 137), almost always by the kernel or container OOM killer: host RAM, not GPU memory, ran out.",
  },
  illegal_instruction: {
    id: "illegal_instruction",
    title: "Illegal instruction",
    explanation: "The binary uses CPU instructions the host lacks (SIGILL, exit status 132), e.g. an AVX/AVX-512 build on an older CPU.",
  },
  python_exception: {
    id: "python_exception",
    title: "Uncaught Python exception",
    explanation: "The worker's Python process ended with an uncaught exception; the final line of the traceback names it.",
  },
  abort: {
    id: "abort",
    title: "Process aborted",
    explanation:
      "The process called abort() (SIGABRT, exit status 134): an uncaught C++ exception (`terminate called ...`), a failed assertion or a fatal check. The what() line, if any, names the cause.",
  },
  unrecognised: {
    id: "unrecognised",
    title: "Unrecognised crash",
    explanation:
      "The worker exited or restarted and no signature matches its output. Crashes are grouped by the worker's last error line with numbers, hex, paths, ids and times masked; read the full log around it.",
  },
};

const RANK: Record<SignatureId, number> = Object.fromEntries(SIGNATURE_IDS.map((id, i) => [id, i])) as Record<SignatureId, number>;

/** Lower is more specific. */
export function signatureRank(id: SignatureId): number {
  return RANK[id];
}

/** Signals and shell exit statuses (128 + signal) that by themselves name a crash. */
export const EXIT_CODE_SIGNATURES: Readonly<Record<number, SignatureId>> = {
  132: "illegal_instruction",
  134: "abort",
  137: "oom_killed",
  139: "segfault",
};

export const SIGNAL_SIGNATURES: Readonly<Record<number, SignatureId>> = {
  4: "illegal_instruction",
  6: "abort",
  9: "oom_killed",
  11: "segfault",
};

/** Signature for an exit status reported outside the log (wrapper, container runtime), or null for 0 and generic failures. */
export function signatureForExitCode(code: number): SignatureId | null {
  return EXIT_CODE_SIGNATURES[code] ?? null;
}

export function signatureTitle(signature: string): string {
  return (SIGNATURES as Record<string, { title: string }>)[signature]?.title ?? (EXTRA_SIGNATURE_TITLES as Record<string, string>)[signature] ?? signature;
}
