import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { runClassify, runEval } from "./classify";

const FIX = path.join(import.meta.dirname, "..", "..", "lib", "domain", "crash", "fixtures");

describe("sweepwatch classify", () => {
  it("--json prints the documented shape", () => {
    const out = runClassify(readFileSync(path.join(FIX, "tf219-random-device.log"), "utf8"), true);
    expect(JSON.parse(out)).toEqual({
      primary: "random_device",
      crashes: [{ signature: "random_device", title: "std::random_device could not be read", line: 27, text: "what():  random_device could not be read", exitCode: 134 }],
    });
  });

  it("--json without a crash", () => {
    expect(JSON.parse(runClassify("all good\n", true))).toEqual({ primary: null, crashes: [] });
  });

  it("omits exitCode when unknown, and takes one from --exit-code", () => {
    const text = readFileSync(path.join(FIX, "real-abort.stderr.txt"), "utf8");
    expect(JSON.parse(runClassify(text, true)).crashes[0]).not.toHaveProperty("exitCode");
    expect(JSON.parse(runClassify(text, true, 134)).crashes[0].exitCode).toBe(134);
  });

  it("the readable summary names the primary cause and each crash", () => {
    const out = runClassify(readFileSync(path.join(FIX, "runpod-sse-crash-loop.log"), "utf8"), false);
    expect(out).toContain("Primary cause: random_device");
    expect(out).toContain("2 crashes (1 distinct)");
    expect(out).toContain("line 11: random_device [exit 134, 2026-11-28T12:05:04Z]");
    expect(runClassify("", false)).toBe("No crash found.\n");
  });
});

describe("sweepwatch classify --eval", () => {
  it("prints recall and precision per class for a labelled file", () => {
    const out = runEval(
      [
        JSON.stringify({ label: "random_device", text: "  what():  random_device could not be read" }),
        JSON.stringify({ label: "none", text: "2026-01-01 I tensorflow/core/platform/cpu_feature_guard.cc:182] This TensorFlow binary is optimized" }),
      ].join("\n"),
      false,
    );
    expect(out).toContain("2 examples, 2 classified as labelled (100.0%)");
    expect(out).toMatch(/random_device\s+1\s+1\s+1\s+100\.0%\s+100\.0%/);
  });

  it("--json gives the same figures as data", () => {
    const r = JSON.parse(runEval(JSON.stringify({ label: "segfault", text: "Segmentation fault (core dumped)" }), true));
    expect(r).toMatchObject({ total: 1, correct: 1, classes: [{ label: "segfault", recall: 1, precision: 1 }] });
  });

  it("a bad line is an error naming the line", () => {
    expect(() => runEval('{"label":"segfault","text":"x"}\n{"label":"boom","text":"x"}', false)).toThrow(/line 2/);
  });
});
