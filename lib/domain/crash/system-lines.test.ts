import { describe, expect, it } from "vitest";
import { findSystemCrashes, parseSystemLine } from "./system-lines";

const sys = (text: string) => ({ source: "system", text });
const out = (text: string) => ({ source: "container", text });

describe("parseSystemLine", () => {
  it("reads RunPod's lifecycle lines", () => {
    expect(parseSystemLine("create container alpine:latest")).toEqual({ kind: "start" }); // prod wording (runpodctl logs_test.go)
    expect(parseSystemLine("start container")).toEqual({ kind: "start" });
    expect(parseSystemLine("container exited with code 134")).toEqual({ kind: "exit", exitCode: 134 });
    expect(parseSystemLine("Container died (exit status: 1)")).toEqual({ kind: "exit", exitCode: 1 });
    expect(parseSystemLine("container exited")).toEqual({ kind: "exit", exitCode: null });
    expect(parseSystemLine("restarting container in 10s (back-off, restart 1)")).toEqual({ kind: "restart" });
    expect(parseSystemLine("stop container (idle timeout)")).toEqual({ kind: "stop" });
    expect(parseSystemLine("pulling image acme/tf:2.19")).toBeNull();
    expect(parseSystemLine("create 20GB volume")).toBeNull();
  });
});

describe("findSystemCrashes", () => {
  it("a loop visible only in system lines: every non-zero exit is a crash with its code", () => {
    const lines = [
      sys("create 20GB volume"),
      sys("create container acme/tf"),
      sys("start container"),
      sys("container exited with code 134"),
      sys("restarting container in 5s (back-off, restart 1)"),
      sys("create container acme/tf"),
      sys("start container"),
      sys("container exited with code 1"),
      sys("restarting container in 10s (back-off, restart 2)"),
    ];
    const c = findSystemCrashes(lines);
    expect(c.map((x) => [x.end.text, x.exitCode, x.containerLines, x.start?.text])).toEqual([
      ["container exited with code 134", 134, 0, "create container acme/tf"],
      ["container exited with code 1", 1, 0, "create container acme/tf"],
    ]);
  });

  it("a run that ends without an exit line is a crash when it printed little; a stop asked for, or exit 0, is not", () => {
    expect(findSystemCrashes([sys("start container"), out("booting"), sys("restarting container in 10s (back-off, restart 1)")]).map((x) => x.exitCode)).toEqual([null]);
    expect(findSystemCrashes([sys("start container"), sys("start container")])).toHaveLength(1);
    const chatty = [sys("start container"), ...Array.from({ length: 30 }, (_, i) => out(`line ${i}`)), sys("start container")];
    expect(findSystemCrashes(chatty)).toEqual([]);
    expect(findSystemCrashes(chatty, { maxContainerLines: 50 })).toHaveLength(1);
    expect(findSystemCrashes([sys("start container"), sys("stop container (job cancelled)"), sys("container exited with code 143"), sys("start container")])).toEqual([]);
    expect(findSystemCrashes([sys("start container"), out("done"), sys("container exited with code 0")])).toEqual([]);
  });

  it("an exit whose start came before the lines given still counts; a second exit line of one run does not", () => {
    expect(findSystemCrashes([sys("container exited with code 139")]).map((x) => x.exitCode)).toEqual([139]);
    expect(findSystemCrashes([sys("start container"), sys("container exited with code 139"), sys("container exited with code 139")])).toHaveLength(1);
  });
});
