import { describe, expect, it } from "vitest";
import { evaluate, formatEvalReport, LabelledFileError, parseLabelledJsonl, type EvalLabel } from "./eval";

describe("parseLabelledJsonl", () => {
  it("reads label, text and optional source, skipping blank lines", () => {
    const ex = parseLabelledJsonl('{"label":"segfault","text":"Segmentation fault","source":"u"}\n\n{"label":"none","text":"ok"}\n');
    expect(ex).toEqual([
      { label: "segfault", text: "Segmentation fault", source: "u" },
      { label: "none", text: "ok" },
    ]);
  });

  it.each([
    ['{"label":"segfault"', /line 1: not valid JSON/],
    ['{"label":"segfault","text":"x"}\n[1]', /line 2: expected an object/],
    ['{"label":"crash","text":"x"}', /line 1: "label" must be one of random_device, .*none, got "crash"/],
    ['{"label":"none","text":3}', /line 1: "text" must be a string/],
    ["\n\n", /no labelled lines/],
  ])("rejects %j with a clear error", (input, msg) => {
    expect(() => parseLabelledJsonl(input)).toThrow(LabelledFileError);
    expect(() => parseLabelledJsonl(input)).toThrow(msg);
  });
});

describe("evaluate", () => {
  const table: Record<string, EvalLabel> = { a: "segfault", b: "segfault", c: "none", d: "oom_killed" };
  const predict = (t: string) => table[t];

  it("counts recall and precision per class and the confusion cells", () => {
    const r = evaluate(
      [
        { label: "segfault", text: "a" },
        { label: "segfault", text: "d" },
        { label: "none", text: "b" },
        { label: "none", text: "c" },
      ],
      predict,
    );
    expect(r.total).toBe(4);
    expect(r.correct).toBe(2);
    expect(r.confusion).toEqual({ segfault: { segfault: 1, oom_killed: 1 }, none: { segfault: 1, none: 1 } });
    const seg = r.classes.find((c) => c.label === "segfault")!;
    expect(seg).toMatchObject({ support: 2, predicted: 2, truePositives: 1, recall: 0.5, precision: 0.5 });
    const oom = r.classes.find((c) => c.label === "oom_killed")!;
    expect(oom).toMatchObject({ support: 0, predicted: 1, recall: null, precision: 0 });
    expect(r.classes.map((c) => c.label)).toEqual(["segfault", "oom_killed", "none"]);
    expect(r.misses.map((m) => [m.index, m.label, m.predicted])).toEqual([
      [1, "segfault", "oom_killed"],
      [2, "none", "segfault"],
    ]);
  });

  it("formats a table with a row per class and the misses", () => {
    const out = formatEvalReport(evaluate([{ label: "segfault", text: "a", source: "https://x" }, { label: "none", text: "b" }], predict));
    expect(out).toContain("2 examples, 1 classified as labelled (50.0%)");
    expect(out).toMatch(/segfault\s+1\s+2\s+1\s+100\.0%\s+50\.0%/);
    expect(out).toMatch(/none\s+1\s+0\s+0\s+0\.0%\s+-/);
    expect(out).toContain("#2 none -> segfault");
  });

  it("uses the real classifier by default", () => {
    const r = evaluate([{ label: "random_device", text: "terminate called after throwing an instance of 'std::runtime_error'\n  what():  random_device could not be read" }]);
    expect(r.correct).toBe(1);
  });
});
