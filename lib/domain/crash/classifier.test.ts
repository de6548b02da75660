import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { classifyLines, classifyLog, createCrashStream } from "./classifier";
import { fingerprint } from "./fingerprint";
import type { SignatureId } from "./signatures";

const FIX = path.join(import.meta.dirname, "fixtures");
const fixture = (name: string) => readFileSync(path.join(FIX, name), "utf8");

function only(text: string) {
  const r = classifyLog(text);
  expect(r.crashes).toHaveLength(1);
  return r.crashes[0];
}

describe("real libstdc++ abort (captured from fixtures/real-abort.cpp)", () => {
  const meta = JSON.parse(fixture("real-abort.meta.json")) as { exitCode: number };
  const stderr = fixture("real-abort.stderr.txt");

  it("is exactly the two lines, and the program died with 134", () => {
    expect(stderr).toBe("terminate called after throwing an instance of 'std::runtime_error'\n  what():  random_device could not be read\n");
    expect(meta.exitCode).toBe(134);
  });

  it("classifies as one random_device crash on the what() line", () => {
    const r = classifyLog(stderr, { exitCode: meta.exitCode });
    expect(r.primary).toBe("random_device");
    expect(r.crashes).toHaveLength(1);
    const c = r.crashes[0];
    expect(c).toMatchObject({ signature: "random_device", line: 2, text: "what():  random_device could not be read", message: "random_device could not be read", exitCode: 134 });
    expect(c.evidence.map((e) => e.line)).toEqual([1, 2]);
    expect(c.title).toMatch(/random_device/);
    expect(c.explanation.length).toBeGreaterThan(20);
  });

  it("classifies the real unsupported-token abort as random_device too", () => {
    const c = only(fixture("real-unsupported-token.stderr.txt"));
    expect(c.signature).toBe("random_device");
    expect(c.message).toBe("random_device::random_device(const std::string&): unsupported token");
  });
});

describe("realistic logs", () => {
  it("TF 2.19 / CUDA 12 start-up ending in the abort: one crash, noise ignored, exit status from the shell line", () => {
    const r = classifyLog(fixture("tf219-random-device.log"));
    expect(r.primary).toBe("random_device");
    expect(r.crashes).toHaveLength(1);
    const c = r.crashes[0];
    expect(c).toMatchObject({ line: 27, text: "what():  random_device could not be read", exitCode: 134, ts: "2026-11-28T12:00:04.301234567Z" });
    expect(c.evidence.map((e) => e.line)).toEqual([26, 27, 28]);
    expect(c.context.at(-1)).toContain("Aborted");
    expect(c.context.some((l) => l.includes("Created device"))).toBe(true);
  });

  it("RunPod v2 SSE log stream of a crash loop: two crashes, same fingerprint, exit 134 from the system line", () => {
    const r = classifyLog(fixture("runpod-sse-crash-loop.log"));
    expect(r.crashes.map((c) => [c.signature, c.line, c.exitCode, c.ts])).toEqual([
      ["random_device", 11, 134, "2026-11-28T12:05:04Z"],
      ["random_device", 23, 134, "2026-11-28T12:05:24Z"],
    ]);
    expect(fingerprint(r.crashes[0])).toBe(fingerprint(r.crashes[1]));
  });

  it("runpod-python JSON lines: unwraps the message, reads the traceback inside it", () => {
    const c = only(fixture("runpod-python-json.log"));
    expect(c.signature).toBe("cuda_oom");
    expect(c.line).toBe(3);
    expect(c.text).toMatch(/^torch\.OutOfMemoryError: CUDA out of memory/);
  });

  it("CRLF line ends and ANSI colours are stripped", () => {
    const raw = fixture("crlf-ansi.log");
    expect(raw).toContain("\r\n");
    expect(raw).toContain("\x1b[31m");
    const c = only(raw);
    expect(c).toMatchObject({ signature: "random_device", line: 4, text: "what():  random_device could not be read", exitCode: 134 });
  });

  it("ImportError wrapping the libstdc++ message after a traceback", () => {
    const c = only(fixture("wrapped.log"));
    expect(c).toMatchObject({ signature: "random_device", line: 7 });
    expect(c.evidence[0].text).toBe("Traceback (most recent call last):");
  });

  it("JVM exception wrapping the message", () => {
    const c = only(fixture("jvm.log"));
    expect(c).toMatchObject({ signature: "random_device", line: 2, message: "random_device could not be read" });
  });
});

describe("every random_device wording", () => {
  const wordings: [string, string][] = [
    ["libstdc++ device read", "random_device could not be read"],
    ["libstdc++ open", "random_device::random_device(const std::string&): device not available"],
    ["libstdc++ token", "random_device::random_device(const std::string&): unsupported token"],
    ["rdseed", "random_device: rdseed failed"],
    ["rdrand", "random_device: rdrand failed"],
    ["getentropy", "random_device: getentropy failed"],
    ["GCC 16 system_error", "random_device could not be read: No data available"],
    ["libc++ open", "random_device failed to open /dev/urandom: No such file or directory"],
    ["libc++ EOF", "random_device got EOF: No data available"],
    ["libc++ error", "random_device got an unexpected error: Operation not permitted"],
  ];
  it.each(wordings)("%s after terminate/what()", (_name, w) => {
    const c = only(`terminate called after throwing an instance of 'std::system_error'\n  what():  ${w}\nAborted (core dumped)\n`);
    expect(c).toMatchObject({ signature: "random_device", line: 2, message: w, exitCode: 134 });
  });
  it.each(wordings)("%s wrapped in RuntimeError / ImportError / java.lang.RuntimeException", (_name, w) => {
    for (const line of [`RuntimeError: ${w}`, `ImportError: ${w}`, `Caused by: java.lang.RuntimeException: ${w}`, `tensorflow.python.framework.errors_impl.InternalError: ${w}`]) {
      expect(only(line).signature, line).toBe("random_device");
    }
  });
  it("bare at the start of an error-level message", () => {
    expect(only("2026-11-28T12:00:00Z ERROR: random_device could not be read").signature).toBe("random_device");
    expect(only("E0000 00:00:1764331202.918712      17 rng.cc:42] random_device could not be read").signature).toBe("random_device");
  });
});

describe("the other signatures", () => {
  const cases: [SignatureId, string, Partial<{ module: string; exitCode: number }>?][] = [
    ["device_not_available", "RuntimeError: CUDA error: CUDA-capable device(s) is/are busy or unavailable"],
    ["device_not_available", "Unable to determine the device handle for GPU0000:81:00.0: GPU is lost.  Reboot the system to recover this GPU"],
    ["cuda_oom", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB"],
    ["cuda_oom", "tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor with shape[1024,1024,64]"],
    ["cuda_driver", "RuntimeError: The NVIDIA driver on your system is too old (found version 11040)."],
    ["cuda_driver", "CUDA driver version is insufficient for CUDA runtime version"],
    ["no_gpu", "2026-11-28 12:00:00.1: E tensorflow/compiler/xla/stream_executor/cuda/cuda_driver.cc:268] failed call to cuInit: CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected"],
    ["no_gpu", "RuntimeError: No CUDA GPUs are available"],
    ["nccl", "torch.distributed.DistBackendError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled cuda error"],
    ["import_error", "ModuleNotFoundError: No module named 'torch'", { module: "torch" }],
    ["import_error", "ImportError: cannot import name 'soft_unicode' from 'markupsafe' (/usr/local/lib/python3.11/site-packages/markupsafe/__init__.py)", { module: "markupsafe" }],
    ["import_error", "ImportError: libcudnn.so.8: cannot open shared object file: No such file or directory", { module: "libcudnn.so.8" }],
    ["import_error", "python3: error while loading shared libraries: libpython3.11.so.1.0: cannot open shared object file: No such file or directory", { module: "libpython3.11.so.1.0" }],
    ["missing_file", "WARN   | test_input.json not found, exiting.", { module: "test_input.json" }],
    ["missing_file", "FileNotFoundError: [Errno 2] No such file or directory: '/runpod-volume/model.safetensors'"],
    ["missing_file", "python: can't open file '/handler.py': [Errno 2] No such file or directory"],
    ["segfault", "Segmentation fault (core dumped)", { exitCode: 139 }],
    ["segfault", "Fatal Python error: Segmentation fault"],
    ["segfault", "/start.sh: line 7:    23 Segmentation fault      (core dumped) python -u handler.py", { exitCode: 139 }],
    ["oom_killed", "Killed", { exitCode: 137 }],
    ["oom_killed", "container exited with exit code 137", { exitCode: 137 }],
    ["oom_killed", "Last State: Terminated, Reason: OOMKilled", { exitCode: 137 }],
    ["illegal_instruction", "Illegal instruction (core dumped)", { exitCode: 132 }],
    ["illegal_instruction", "worker exited with code 132", { exitCode: 132 }],
    ["illegal_instruction", "F tensorflow/core/platform/cpu_feature_guard.cc:37] The TensorFlow library was compiled to use AVX instructions, but these aren't available on your machine."],
    ["abort", "Fatal Python error: Aborted"],
    ["abort", "Aborted (core dumped)", { exitCode: 134 }],
  ];
  it.each(cases)("%s: %s", (sig, line, extra) => {
    const c = only(line);
    expect(c.signature).toBe(sig);
    if (extra) expect(c).toMatchObject(extra);
  });

  it("python_exception is the final line of an uncaught traceback", () => {
    const log = [
      "Traceback (most recent call last):",
      '  File "/handler.py", line 9, in <module>',
      "    cfg = json.loads(raw)",
      "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
      "",
      "During handling of the above exception, another exception occurred:",
      "",
      "Traceback (most recent call last):",
      '  File "/handler.py", line 11, in <module>',
      "    raise ValueError(\"bad config\")",
      "ValueError: bad config",
    ].join("\n");
    const c = only(log);
    expect(c).toMatchObject({ signature: "python_exception", line: 11, text: "ValueError: bad config" });
  });

  it("a chained traceback whose inner exception is random_device is random_device", () => {
    const log = [
      "Traceback (most recent call last):",
      '  File "/app/rng.py", line 3, in seed',
      "RuntimeError: random_device could not be read",
      "",
      "The above exception was the direct cause of the following exception:",
      "",
      "Traceback (most recent call last):",
      '  File "/handler.py", line 2, in <module>',
      "SystemExit: worker init failed",
    ].join("\n");
    expect(only(log)).toMatchObject({ signature: "random_device", line: 3 });
  });

  it("an abort with another what() keeps the what() text", () => {
    const c = only("terminate called after throwing an instance of 'std::bad_alloc'\n  what():  std::bad_alloc\nAborted (core dumped)");
    expect(c).toMatchObject({ signature: "abort", line: 2, message: "std::bad_alloc", exitCode: 134 });
  });

  it("primary is the most specific cause; separate crashes stay separate", () => {
    const log = [
      "Traceback (most recent call last):",
      '  File "/handler.py", line 1, in <module>',
      "KeyError: 'MODEL'",
      "worker exited with exit code 1",
      ...Array.from({ length: 20 }, (_, i) => `step ${i}`),
      "terminate called after throwing an instance of 'std::runtime_error'",
      "  what():  random_device could not be read",
      "Aborted (core dumped)",
    ].join("\n");
    const r = classifyLog(log);
    expect(r.crashes.map((c) => [c.signature, c.line, c.exitCode])).toEqual([
      ["python_exception", 3, 1],
      ["random_device", 26, 134],
    ]);
    expect(r.primary).toBe("random_device");
  });
});

describe("timestamps and framing", () => {
  const prefixes = [
    "2026-11-28T12:00:00Z ",
    "2026-11-28T12:00:00.123456789Z ",
    "2026-11-28T12:00:00+01:00 ",
    "2026-11-28 12:00:00,123 ",
    "2026-11-28 12:00:00,123 - worker - ERROR - ",
    "[12:00:00] ",
    "Nov 28 12:00:00 worker-3 python[311]: ",
    "2026-11-28T12:00:00.123Z stderr F ",
    "ERROR  | a3f1c2d4-5b6e-4f70 | ",
    "data: ",
  ];
  it.each(prefixes)("prefix %j", (prefix) => {
    const c = only(`${prefix}terminate called after throwing an instance of 'std::runtime_error'\n${prefix}  what():  random_device could not be read`);
    expect(c).toMatchObject({ signature: "random_device", line: 2, text: "what():  random_device could not be read" });
  });

  it("JSON records of the v2 stream and runpodctl (ts/source/line/workerId)", () => {
    const log = [
      '{"ts":"2026-11-28T12:00:00Z","source":"container","workerId":"w1","line":"terminate called after throwing an instance of \'std::runtime_error\'"}',
      '{"ts":"2026-11-28T12:00:00Z","source":"container","workerId":"w1","line":"  what():  random_device could not be read"}',
    ].join("\n");
    expect(only(log)).toMatchObject({ signature: "random_device", line: 2, ts: "2026-11-28T12:00:00Z" });
  });
});

describe("near-misses never fire", () => {
  it("the near-miss fixture yields no crash at all", () => {
    expect(classifyLog(fixture("near-misses.log")).crashes).toEqual([]);
  });
  const lines = fixture("near-misses.log").split("\n").filter(Boolean);
  it.each(lines)("%s", (line) => {
    expect(classifyLog(line).crashes).toEqual([]);
  });
});

describe("large and odd input", () => {
  const b64 = (n: number) => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let s = "";
    let x = 12345;
    for (let i = 0; i < n; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      s += alphabet[x % 64];
    }
    return s;
  };
  const big = b64(1 << 20);

  it("a megabyte line of base64 before the crash does not shift line numbers or hide it", () => {
    const r = classifyLog(`payload: ${big}\nterminate called after throwing an instance of 'std::runtime_error'\n  what():  random_device could not be read\n`);
    expect(r.crashes.map((c) => [c.signature, c.line])).toEqual([["random_device", 3]]);
  });

  it("a keyword beyond the per-line cap is skipped (the rest of the line is not examined)", () => {
    const line = `${big} worker exited with exit code 139`;
    expect(classifyLog(line).crashes).toEqual([]);
    expect(classifyLog(line, { maxLineChars: 2 << 20 }).crashes.map((c) => c.signature)).toEqual(["segfault"]);
  });

  it("a JSON record longer than the cap still yields its message", () => {
    const rec = JSON.stringify({ requestId: null, message: `RuntimeError: random_device could not be read\n${big}`, level: "ERROR" });
    expect(only(rec).signature).toBe("random_device");
  });

  it("empty input and input without newline", () => {
    expect(classifyLog("")).toEqual({ primary: null, crashes: [] });
    expect(only("Segmentation fault (core dumped)").line).toBe(1);
  });
});

describe("streaming form", () => {
  const lines = fixture("runpod-sse-crash-loop.log").split("\n").map((text) => ({ text }));

  it("classifyLines matches classifyLog on the same lines", () => {
    const a = classifyLines(lines);
    const b = classifyLog(lines.map((l) => l.text).join("\n")).crashes;
    expect(a.map((c) => [c.signature, c.line, c.exitCode, fingerprint(c)])).toEqual(b.map((c) => [c.signature, c.line, c.exitCode, fingerprint(c)]));
  });

  it("a crash split across batches is one crash; line numbers continue", () => {
    const s = createCrashStream();
    expect(s.push([{ text: "booting", ts: "t0" }, { text: "terminate called after throwing an instance of 'std::runtime_error'", ts: "t1" }])).toEqual([]);
    const out = s.push([{ text: "  what():  random_device could not be read", ts: "t1" }, { text: "container exited with exit code 134", ts: "t2" }]);
    expect(out).toEqual([]); // still open: an exit line could follow
    const more = s.push(Array.from({ length: 12 }, (_, i) => ({ text: `line ${i}` })));
    expect(more.map((c) => [c.signature, c.line, c.exitCode, c.ts])).toEqual([["random_device", 3, 134, "t1"]]);
    expect(more[0].context).toContain("terminate called after throwing an instance of 'std::runtime_error'");
    expect(s.flush()).toEqual([]);
  });

  it("flush returns a crash still open at the end, and a traceback cut at the end of the stream", () => {
    const s = createCrashStream();
    s.push([{ text: "Traceback (most recent call last):" }, { text: '  File "/handler.py", line 1, in <module>' }]);
    s.push([{ text: "ModuleNotFoundError: No module named 'tensorflow'" }]);
    const out = s.flush();
    expect(out.map((c) => [c.signature, c.module, c.line])).toEqual([["import_error", "tensorflow", 3]]);
  });
});

describe("debugger backtraces (issue 11)", () => {
  it("a gdb session whose frames show std::random_device is one random_device crash, not a near-miss", () => {
    const r = classifyLog(fixture("gdb-random-device.log"));
    expect(r.primary).toBe("random_device");
    expect(r.crashes.map((c) => c.signature)).toEqual(["random_device"]);
    expect(r.crashes[0].evidence.map((e) => e.line)).toEqual([3, 7, 8]);
  });

  it("gdb reporting the inferior's fatal signal names the crash", () => {
    expect(classifyLog("Program received signal SIGSEGV, Segmentation fault.").primary).toBe("segfault");
    expect(classifyLog("Program terminated with signal SIGILL, Illegal instruction.").primary).toBe("illegal_instruction");
  });

  it("sanitizer and valgrind frames naming random_device stay near-misses", () => {
    expect(classifyLog("==1234==    by 0x4913E41: std::random_device::_M_getval() (in /usr/lib/libstdc++.so.6)").crashes).toEqual([]);
    expect(classifyLog("    #0 0x55d0c1a2 in std::random_device::_M_init(std::string const&) (/app/a.out+0x12a2)").crashes).toEqual([]);
  });
});

describe("wrappers and shapes beyond the corpus (issue 11: held-out real logs)", () => {
  it.each<[SignatureId, string]>([
    ["random_device", "panic: random_device could not be read"],
    ["random_device", "fatal error: random_device could not be read"],
    ["random_device", "Error in f() : random_device could not be read"],
    ["random_device", "E   RuntimeError: random_device could not be read"],
    ["random_device", "[rank0]: RuntimeError: random_device could not be read"],
    ["random_device", "[pod/worker-abc/main] terminate called after throwing an instance of 'std::runtime_error'\n[pod/worker-abc/main]   what():  random_device could not be read"],
    ["random_device", "thread 'main' panicked at 'random_device could not be read', src/main.rs:3:5"],
    ["oom_killed", "zsh: killed     python train.py"],
    ["oom_killed", "[2024-05-01 10:00:00 +0000] [1] [ERROR] Worker (pid:12) was sent SIGKILL! Perhaps out of memory?"],
    ["cuda_oom", "cudaMalloc failed: out of memory"],
    ["no_gpu", "RuntimeError: Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False."],
    ["missing_file", 'OCI runtime create failed: runc create failed: unable to start container process: exec: "python": executable file not found in $PATH: unknown'],
    ["python_exception", "KeyError: 'input'"],
    ["python_exception", "NameError: name 'model' is not defined"],
  ])("%s: %s", (sig, text) => {
    expect(classifyLog(text).primary).toBe(sig);
  });

  it("a quoted or prose mention after a label stays a near-miss", () => {
    expect(classifyLog("If you see 'what():  random_device could not be read' the worker is crash-looping.").crashes).toEqual([]);
    expect(classifyLog('note: "random_device could not be read" means the device could not be read').crashes).toEqual([]);
    expect(classifyLog("WARNING: KeyError: 'x' was handled, retrying").crashes).toEqual([]);
  });
});
