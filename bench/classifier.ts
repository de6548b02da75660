/**
 * Classifier throughput: `npm run bench classifier [-- --mb 150]` (or `npx tsx bench/classifier.ts [--mb 150]`).
 *
 * Generates a large realistic worker log (RunPod timestamp prefixes, CUDA
 * banner, TF 2.19 / XLA start-up noise, runpod-python JSON lines, Keras
 * training progress, a few megabyte base64 lines, and every few thousand
 * lines a crash of some signature), then times in the same run:
 *  - plain: one global RegExp of the classifier's own keyword list, counting matches;
 *  - classifier: classifyLog() on the same text.
 * Prints MB/s for both and classifier/plain (target >= 0.25). Figures, not assertions.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { classifyLog } from "@/lib/domain/crash/classifier";
import { KEYWORD_SOURCE } from "@/lib/domain/crash/rules";

function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const STARTUP = [
  "==========",
  "== CUDA ==",
  "==========",
  "CUDA Version 12.5.1",
  "Container image Copyright (c) 2016-2023, NVIDIA CORPORATION & AFFILIATES. All rights reserved.",
  "This container image and its contents are governed by the NVIDIA Deep Learning Container License.",
  "I tensorflow/core/util/port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.",
  "E0000 00:00:{epoch}.{us}      17 cuda_dnn.cc:8579] Unable to register cuDNN factory: Attempting to register factory for plugin cuDNN when one has already been registered",
  "E0000 00:00:{epoch}.{us}      17 cuda_blas.cc:1407] Unable to register cuBLAS factory: Attempting to register factory for plugin cuBLAS when one has already been registered",
  "W0000 00:00:{epoch}.{us}      17 computation_placer.cc:177] computation placer already registered. Please check linkage and avoid linking the same target more than once.",
  "I0000 00:00:{epoch}.{us}      17 cpu_feature_guard.cc:210] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.",
  "To enable the following instructions: AVX2 AVX512F AVX512_VNNI AVX512_BF16 AVX_VNNI AMX_TILE AMX_INT8 AMX_BF16 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.",
  "I0000 00:00:{epoch}.{us}      17 gpu_device.cc:2019] Created device /job:localhost/replica:0/task:0/device:GPU:0 with 22279 MB memory:  -> device: 0, name: NVIDIA RTX A5000, pci bus id: 0000:81:00.0, compute capability: 8.6",
  "I0000 00:00:{epoch}.{us}     {tid} service.cc:148] XLA service 0x{hex} initialized for platform CUDA (this does not guarantee that XLA will be used). Devices:",
  "I0000 00:00:{epoch}.{us}     {tid} service.cc:156]   StreamExecutor device (0): NVIDIA RTX A5000, Compute Capability 8.6",
  "I0000 00:00:{epoch}.{us}     {tid} cuda_dnn.cc:529] Loaded cuDNN version 90300",
  "I0000 00:00:{epoch}.{us}     {tid} device_compiler.h:188] Compiled cluster using XLA!  This line is logged at most once for the lifetime of the process.",
  '{"requestId": null, "message": "--- Starting Serverless Worker |  Version 1.7.9 ---", "level": "INFO"}',
  '{"requestId": "{uuid}-u1", "message": "Started.", "level": "INFO"}',
  '{"requestId": "{uuid}-u1", "message": "trial {n}: lr={f} batch_size=64 dropout=0.{n2}", "level": "INFO"}',
];
const TRAIN = [
  "Epoch {n}/50",
  "{n}/{n}  ━━━━━━━━━━━━━━━━━━━━ {n}s {n}ms/step - accuracy: 0.{n2} - loss: 0.{n2} - val_accuracy: 0.{n2} - val_loss: 0.{n2}",
  "{n}/{n}  ━━━━━━━━━━━━━━━━━━━━ {n}s {n}ms/step - accuracy: 0.{n2} - loss: 0.{n2}",
  '{"requestId": "{uuid}-u1", "message": "progress {n}/50 val_loss=0.{n2}", "level": "INFO"}',
  "I0000 00:00:{epoch}.{us}     {tid} cuda_solvers.cc:178] Creating GpuSolver handles for stream 0x{hex}",
];
const CRASHES = [
  ["terminate called after throwing an instance of 'std::runtime_error'", "  what():  random_device could not be read", "/start.sh: line 12:    41 Aborted                 (core dumped) python -u /handler.py"],
  ["Traceback (most recent call last):", '  File "/handler.py", line 21, in handler', "    logits = model(batch)", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 23.57 GiB"],
  ["Traceback (most recent call last):", '  File "/handler.py", line 2, in <module>', "ModuleNotFoundError: No module named 'tensorflow_addons'"],
  ["Segmentation fault (core dumped)"],
  ["container exited with exit code 137"],
];

/** Builds a log of about `mb` megabytes; returns it with the number of crashes planted. */
export function generateLog(mb: number, seed = 42): { text: string; planted: number } {
  const r = rng(seed);
  const hex = () => Math.floor(r() * 0xffffffffff).toString(16);
  const fill = (t: string) =>
    t
      .replace(/\{epoch\}/g, String(1764331200 + Math.floor(r() * 86400)))
      .replace(/\{us\}/g, String(Math.floor(r() * 1e6)).padStart(6, "0"))
      .replace(/\{tid\}/g, String(100 + Math.floor(r() * 900)))
      .replace(/\{hex\}/g, hex)
      .replace(/\{uuid\}/g, () => `${hex().slice(0, 8)}-${hex().slice(0, 4)}-4${hex().slice(0, 3)}-a${hex().slice(0, 3)}-${hex().slice(0, 12).padEnd(12, "0")}`)
      .replace(/\{n2\}/g, () => String(Math.floor(r() * 100)).padStart(2, "0"))
      .replace(/\{n\}/g, () => String(1 + Math.floor(r() * 500)))
      .replace(/\{f\}/g, () => r().toExponential(2));
  const b64 = (n: number) => {
    const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(a[Math.floor(r() * 64)]);
    return out.join("");
  };
  // Templates are filled once into a pool, then sampled: generation stays fast at 100+ MB.
  const pool = (ts: string[], k: number) => Array.from({ length: k }, () => fill(ts[Math.floor(r() * ts.length)]));
  const startup = Array.from({ length: 50 }, () => STARTUP.map(fill));
  const train = pool(TRAIN, 5000);
  const bigLine = `{"requestId": null, "message": "payload ${b64(1 << 20)}", "level": "DEBUG"}`;

  const target = mb * 1024 * 1024;
  const parts: string[] = [];
  let size = 0;
  let planted = 0;
  let t = Date.parse("2026-11-28T00:00:00Z");
  const push = (line: string) => {
    t += 1 + Math.floor(r() * 40);
    const s = `${new Date(t).toISOString().slice(0, -1)}${String(Math.floor(r() * 1e6)).padStart(6, "0")}Z ${line}\n`;
    parts.push(s);
    size += s.length;
  };
  while (size < target) {
    for (const l of startup[Math.floor(r() * startup.length)]) push(l);
    const steps = 2000 + Math.floor(r() * 4000);
    for (let i = 0; i < steps; i++) push(train[Math.floor(r() * train.length)]);
    if (r() < 0.02) push(bigLine);
    if (r() < 0.5) {
      for (const l of CRASHES[Math.floor(r() * CRASHES.length)]) push(l);
      planted++;
    }
  }
  return { text: parts.join(""), planted };
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

export function plainScan(text: string): number {
  const re = new RegExp(KEYWORD_SOURCE, "g");
  let n = 0;
  while (re.exec(text) !== null) n++;
  return n;
}

export interface ClassifierBenchResult {
  megabytes: number;
  lines: number;
  planted: number;
  crashesFound: number;
  keywordMatches: number;
  plainMBps: number;
  classifierMBps: number;
  ratio: number;
}

export function runClassifierBench(opts: { mb?: number; runs?: number } = {}): ClassifierBenchResult {
  const mb = opts.mb ?? 150;
  const runs = opts.runs ?? 5;
  const gen = time(() => generateLog(mb));
  const { text, planted } = gen.value;
  const bytes = Buffer.byteLength(text, "utf8");
  const megabytes = bytes / (1024 * 1024);
  let lines = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines++;
  process.stdout.write(`generated ${megabytes.toFixed(1)} MB, ${lines} lines, ${planted} planted crashes in ${(gen.ms / 1000).toFixed(1)} s\n`);

  // Alternate the two so neither gets a warmer cache or JIT; take each one's best run.
  let plainBest = Infinity;
  let classBest = Infinity;
  let keywordMatches = 0;
  let crashesFound = 0;
  for (let i = 0; i < runs; i++) {
    const p = time(() => plainScan(text));
    const c = time(() => classifyLog(text));
    plainBest = Math.min(plainBest, p.ms);
    classBest = Math.min(classBest, c.ms);
    keywordMatches = p.value;
    crashesFound = c.value.crashes.length;
  }
  const plainMBps = megabytes / (plainBest / 1000);
  const classifierMBps = megabytes / (classBest / 1000);
  return { megabytes, lines, planted, crashesFound, keywordMatches, plainMBps, classifierMBps, ratio: classifierMBps / plainMBps };
}

export function printClassifierBench(r: ClassifierBenchResult) {
  const out = [
    `classifier benchmark (${r.megabytes.toFixed(1)} MB, ${r.lines} lines; best of runs, same process)`,
    `  plain keyword RegExp scan : ${r.plainMBps.toFixed(0).padStart(6)} MB/s  (${r.keywordMatches} keyword matches)`,
    `  classifyLog               : ${r.classifierMBps.toFixed(0).padStart(6)} MB/s  (${r.crashesFound} crashes found, ${r.planted} planted)`,
    `  classifier / plain        : ${r.ratio.toFixed(2)}  (target >= 0.25: ${r.ratio >= 0.25 ? "met" : "NOT met"})`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);
}

function main() {
  const i = process.argv.indexOf("--mb");
  const mb = i !== -1 ? Number(process.argv[i + 1]) : undefined;
  if (mb !== undefined && !(mb > 0 && mb <= 2000)) {
    process.stderr.write("bench classifier: --mb must be a number of megabytes between 0 and 2000\n");
    process.exit(1);
  }
  printClassifierBench(runClassifierBench({ mb }));
}

let autorun = true;
/** Another benchmark that imports this module (e.g. detection) calls this in its module body so this one does not run by itself. */
export function noClassifierBenchAutorun() {
  autorun = false;
}

// Runs when started directly (`tsx bench/classifier.ts`) or through bench/index.ts (`npm run bench classifier`).
const entry = process.argv[1] ?? "";
const direct = entry !== "" && pathToFileURL(path.resolve(entry)).href === import.meta.url;
const viaIndex = entry !== "" && path.resolve(entry) === path.join(import.meta.dirname, "index.ts");
if (direct || viaIndex) {
  setImmediate(() => {
    if (autorun) main();
  });
}
