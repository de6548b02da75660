import type { CrashKind } from "./scenario";

/**
 * What simulated workers print. Container lines imitate a TensorFlow 2.19 /
 * CUDA 12 image running runpod-python 1.12.0; system lines imitate the host
 * lifecycle (exact RunPod wording is UNCONFIRMED apart from "create 20GB volume").
 */
export const RUNPOD_PYTHON_VERSION = "1.12.0";

export const RANDOM_DEVICE_ABORT = [
  "terminate called after throwing an instance of 'std::runtime_error'",
  "  what():  random_device could not be read",
] as const;

export const EXIT_CODES: Record<CrashKind, number> = {
  random_device: 134,
  cuda_oom: 1,
  missing_module: 1,
  missing_test_input: 1,
  segfault: 139,
};

/** TensorFlow's C++ log prefix: "2026-06-01 12:00:03.123456: I tensorflow/...". */
function tfStamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(ms % 1000).padStart(3, "0").slice(0, 3)}`;
}

/** absl prefix: "E0000 00:00:1748779203.123456       1 cuda_dnn.cc:8579]". */
function abslStamp(level: "E" | "W" | "I", ms: number): string {
  const secs = (ms / 1000).toFixed(6);
  return `${level}0000 00:00:${secs}       1`;
}

export function cudaBanner(): string[] {
  return [
    "",
    "==========",
    "== CUDA ==",
    "==========",
    "",
    "CUDA Version 12.5.1",
    "",
    "Container image Copyright (c) 2016-2023, NVIDIA CORPORATION & AFFILIATES. All rights reserved.",
    "",
    "This container image and its contents are governed by the NVIDIA Deep Learning Container License.",
    "By pulling and using the container, you accept the terms and conditions of this license:",
    "https://developer.nvidia.com/ngc/nvidia-deep-learning-container-license",
    "",
    "A copy of this license is made available in this container at /NGC-DL-CONTAINER-LICENSE for your convenience.",
    "",
  ];
}

export function tensorflowStartup(ms: number): string[] {
  return [
    `${tfStamp(ms)}: I tensorflow/core/util/port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable \`TF_ENABLE_ONEDNN_OPTS=0\`.`,
    `${tfStamp(ms + 41)}: E external/local_xla/xla/stream_executor/cuda/cuda_fft.cc:467] Unable to register cuFFT factory: Attempting to register factory for plugin cuFFT when one has already been registered`,
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    `${abslStamp("E", ms + 58)} cuda_dnn.cc:8579] Unable to register cuDNN factory: Attempting to register factory for plugin cuDNN when one has already been registered`,
    `${abslStamp("E", ms + 63)} cuda_blas.cc:1407] Unable to register cuBLAS factory: Attempting to register factory for plugin cuBLAS when one has already been registered`,
    `${abslStamp("W", ms + 79)} computation_placer.cc:177] computation placer already registered. Please check linkage and avoid linking the same target more than once.`,
    `${tfStamp(ms + 96)}: I tensorflow/core/platform/cpu_feature_guard.cc:210] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.`,
    "To enable the following instructions: AVX2 AVX512F AVX512_VNNI AVX512_BF16 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.",
  ];
}

export function runpodBanner(): string[] {
  return [`--- Starting Serverless Worker |  Version ${RUNPOD_PYTHON_VERSION} ---`];
}

/** Lines printed from container start until the crash, then the crash itself. */
export function crashOutput(kind: CrashKind, startMs: number, opts: { missingModule?: string } = {}): { startup: string[]; crash: string[] } {
  switch (kind) {
    case "random_device":
      return { startup: [...cudaBanner(), ...tensorflowStartup(startMs)], crash: [...RANDOM_DEVICE_ABORT] };
    case "cuda_oom":
      return {
        startup: [...cudaBanner(), ...tensorflowStartup(startMs), ...runpodBanner()],
        crash: [
          "Traceback (most recent call last):",
          '  File "/app/handler.py", line 14, in <module>',
          "    model = load_model(MODEL_PATH)",
          '  File "/app/model.py", line 52, in load_model',
          "    warmup = tf.random.normal((4096, 4096, 64))",
          '  File "/usr/local/lib/python3.11/dist-packages/tensorflow/python/util/traceback_utils.py", line 153, in error_handler',
          "    raise e.with_traceback(filtered_tb) from None",
          "tensorflow.python.framework.errors_impl.ResourceExhaustedError: {{function_node __wrapped__RandomStandardNormal_device_/job:localhost/replica:0/task:0/device:GPU:0}} OOM when allocating tensor with shape[4096,4096,64] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc [Op:RandomStandardNormal] name: ",
          "CUDA out of memory: failed to allocate 4.00 GiB; GPU 0 has a total capacity of 23.65 GiB of which 1.12 GiB is free.",
        ],
      };
    case "missing_module": {
      const mod = opts.missingModule ?? "tensorflow_addons";
      return {
        startup: [...cudaBanner()],
        crash: [
          "Traceback (most recent call last):",
          '  File "/app/handler.py", line 6, in <module>',
          `    import ${mod}`,
          `ModuleNotFoundError: No module named '${mod}'`,
        ],
      };
    }
    case "missing_test_input":
      return {
        startup: [...runpodBanner()],
        crash: ["WARN   | test_input.json not found, exiting."],
      };
    case "segfault":
      return {
        startup: [...cudaBanner(), ...tensorflowStartup(startMs), ...runpodBanner()],
        crash: segfaultLines(),
      };
  }
}

export function segfaultLines(): string[] {
  return [
    "Fatal Python error: Segmentation fault",
    "",
    "Thread 0x00007f3a2effd640 (most recent call first):",
    '  File "/usr/local/lib/python3.11/dist-packages/tensorflow/python/eager/execute.py", line 53 in quick_execute',
    '  File "/app/train.py", line 88 in train_step',
    '  File "/app/handler.py", line 31 in handler',
    "",
    "Extension modules: numpy.core._multiarray_umath, tensorflow.python.framework.fast_tensor_util (total: 2)",
    "Segmentation fault (core dumped)",
  ];
}

export function midJobCrashLines(kind: "segfault" | "cuda_oom", jobId: string): { lines: string[]; exitCode: number } {
  if (kind === "segfault") return { lines: segfaultLines(), exitCode: 139 };
  return {
    lines: [
      `{"requestId": "${jobId}", "message": "Training epoch 1/3", "level": "INFO"}`,
      "Traceback (most recent call last):",
      '  File "/app/train.py", line 88, in train_step',
      "CUDA out of memory: failed to allocate 8.00 GiB; GPU 0 has a total capacity of 23.65 GiB of which 2.31 GiB is free.",
      "Killed",
    ],
    exitCode: 137,
  };
}

/** The JSON error string runpod-python reports when a handler raises (docs/runpod-api.md 2.6.1). */
export function handlerErrorString(workerId: string, errorType: string, message: string, traceback: string): string {
  return JSON.stringify({
    error_type: `<class '${errorType}'>`,
    error_message: message,
    error_traceback: traceback,
    hostname: `${workerId}-64410f6d`,
    worker_id: workerId,
    runpod_version: RUNPOD_PYTHON_VERSION,
  });
}
