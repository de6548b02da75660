import { describe, expect, it } from "vitest";
import { lastErrorLine, maskErrorLine, unrecognisedFingerprint } from "./unrecognised";

describe("lastErrorLine", () => {
  it("takes the last error line before the exit report, masking numbers, hex, paths, ids and timestamps", () => {
    const run = (req: string, pid: number, handle: string) => [
      "2026-06-01T00:00:02.120Z INFO  Starting license-gated worker v3.4.1",
      `2026-06-01T00:00:05.481Z ERROR [req ${req}] license check failed: server lic-4f9a2c71.internal:27000 refused checkout for seat 12 (pid ${pid}, handle ${handle})`,
      "2026-06-01T00:00:05.482Z INFO  shutting down",
      "container exited with code 1",
    ];
    const a = lastErrorLine(run("7d1c2f9a-0b3e-4c55-9a1e-2b8f4d6c1e07", 4121, "0x7f3a9c21"))!;
    const b = lastErrorLine(run("0a9b8c7d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", 977, "0x5511aa00"))!;
    expect(a.index).toBe(1);
    expect(a.masked).toBe("[req <id>] license check failed: server lic-<hex>.internal:<n> refused checkout for seat <n> (pid <n>, handle <hex>)");
    expect(unrecognisedFingerprint(a.masked)).toBe(unrecognisedFingerprint(b.masked));
  });

  it("masks worker and pod ids as whole tokens", () => {
    expect(maskErrorLine("worker 3kq9x2m1ab7 on pod trainer-5f7d9c-x2k8q crashed under python3 at /opt/app/run.py:88")).toBe(
      "worker <id> on pod <id> crashed under python<n> at <path>:<n>",
    );
  });

  it("skips info lines and bare exit reports, and falls back to the last line when no line reads as an error", () => {
    expect(lastErrorLine(["INFO: listening on :8080", "Killed"])).toBeNull();
    expect(lastErrorLine(["loading weights", "weights loaded: 3 shards", "exited with code 2"])?.text).toBe("weights loaded: 3 shards");
    expect(lastErrorLine([])).toBeNull();
    expect(lastErrorLine(["loading weights", "weights loaded: 3 shards"], { errorOnly: true })).toBeNull();
  });

  it("ignores TensorFlow/CUDA start-up noise and errors followed by a long healthy tail", () => {
    const banner = [
      "E0000 00:00:1748779203.123456       1 cuda_dnn.cc:8579] Unable to register cuDNN factory: Attempting to register factory for plugin cuDNN when one has already been registered",
      "W0000 00:00:1748779203.123456       1 computation_placer.cc:177] computation placer already registered. Please check linkage and avoid linking the same target more than once.",
    ];
    expect(lastErrorLine([...banner, "--- Starting Serverless Worker |  Version 1.12.0 ---"], { errorOnly: true })).toBeNull();
    const survived = ["ERROR: retrying download after a timeout", ...Array.from({ length: 25 }, (_, i) => `step ${i} loss 0.${i}`)];
    expect(lastErrorLine(survived, { errorOnly: true })).toBeNull();
  });
});
