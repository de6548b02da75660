import { describe, expect, it } from "vitest";
import { parseRunpodError } from "./runpod-error";

describe("parseRunpodError", () => {
  it("reads runpod-python's error JSON into type, message and a multi-line traceback", () => {
    const raw = JSON.stringify({
      error_type: "<class 'ValueError'>",
      error_message: "loss is NaN",
      error_traceback: 'Traceback (most recent call last):\n  File "/handler.py", line 12, in handler\n    raise ValueError("loss is NaN")\nValueError: loss is NaN\n',
      hostname: "abc-64410ef2",
      worker_id: "abc123",
      runpod_version: "1.7.9",
    });
    const e = parseRunpodError(raw)!;
    expect(e).toMatchObject({ type: "ValueError", message: "loss is NaN", workerId: "abc123", runpodVersion: "1.7.9" });
    expect(e.traceback!.split("\n")).toHaveLength(4);
    expect(e.traceback).not.toContain("\\n");
  });
  it("reads a generator handler's text error and passes other text through", () => {
    expect(parseRunpodError("handler: boom \ntraceback: Traceback...\nRuntimeError: boom\n")).toMatchObject({ message: "boom", traceback: "Traceback...\nRuntimeError: boom" });
    expect(parseRunpodError("job timed out")).toMatchObject({ message: "job timed out", traceback: null });
    expect(parseRunpodError('{"not": "runpod"}')).toMatchObject({ message: '{"not": "runpod"}' });
    expect(parseRunpodError(null)).toBeNull();
  });
});
