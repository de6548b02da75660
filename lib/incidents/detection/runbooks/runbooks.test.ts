import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RANDOM_DEVICE_RUNBOOK } from "@/lib/incidents/detection/runbooks/random-device";
import { TF_SERVERLESS_RUNBOOK } from "@/lib/incidents/detection/runbooks/tf-serverless";
import { runbookFor } from "@/lib/incidents/detection/runbooks/index";

describe("runbooks", () => {
  it("embeds random-device.md verbatim", () => {
    expect(RANDOM_DEVICE_RUNBOOK).toBe(readFileSync(path.join(import.meta.dirname, "random-device.md"), "utf8"));
  });

  it("embeds tf-serverless.md verbatim and offers it for a bare abort", () => {
    expect(TF_SERVERLESS_RUNBOOK).toBe(readFileSync(path.join(import.meta.dirname, "tf-serverless.md"), "utf8"));
    const md = runbookFor("abort").markdown ?? "";
    for (const part of ["Established", "Hypotheses for TensorFlow 2.16 to 2.19", "</dev/null", "TensorFlow-only variant", "Why serverless and not the laptop", "Run the diagnostics on RunPod", "Look-alikes"]) expect(md).toContain(part);
  });

  it("gives random_device its runbook with the confirmation commands, and other signatures an explanation only", () => {
    const rd = runbookFor("random_device");
    expect(rd.markdown).toContain("## Runbook (most to least preferred)");
    expect(rd.markdown).toContain("random_device could not be read");
    expect(rd.commands.some((c) => c.includes("strace -f -e trace=openat,read"))).toBe(true);
    const seg = runbookFor("segfault");
    expect([seg.markdown, seg.commands, seg.title]).toEqual([null, [], "Segmentation fault"]);
    expect(runbookFor("unknown_restart").title).toBe("Worker restarted without a crash log");
    expect(runbookFor("unrecognised").title).toBe("Unrecognised crash");
  });

  it("picks the random_device family from the crash's matched lines: stdin mix, sandboxed device or CPU rdseed", () => {
    const mix = runbookFor("random_device", ["terminate called after throwing an instance of 'std::runtime_error'", "  what():  random_device could not be read"]);
    expect(mix.variant).toBe("stdin_mix");
    expect(mix.markdown).toMatch(/^## This incident: stdin \/ two libstdc\+\+ copies/);
    expect(mix.commands[0]).toContain('python -c "import tensorflow; import torch" </dev/null');

    const sandbox = runbookFor("random_device", ["libc++abi: terminating with uncaught exception of type std::__1::system_error: random_device failed to open /dev/urandom: Too many open files"]);
    expect(sandbox.variant).toBe("sandbox");
    expect(sandbox.markdown).toMatch(/^## This incident: sandboxed device/);
    expect(sandbox.commands.join("\n")).toContain("ulimit -n");
    expect(sandbox.commands.join("\n")).not.toContain("import torch");

    const cpu = runbookFor("random_device", ['C++ exception with description "random_device: rdseed failed" thrown in the test body.']);
    expect(cpu.variant).toBe("cpu_rng");
    expect(cpu.markdown).toContain('token `"/dev/urandom"`');
    expect(cpu.commands.join("\n")).toContain("rdseed");
    // every family keeps the shared note below its own section
    for (const r of [mix, sandbox, cpu]) expect(r.markdown).toContain(RANDOM_DEVICE_RUNBOOK);
  });
});
