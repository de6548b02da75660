import { describe, expect, it } from "vitest";
import { fingerprint, normaliseMessage } from "./fingerprint";

describe("normaliseMessage", () => {
  it("strips numbers, hex addresses, paths, uuids and timestamps", () => {
    expect(normaliseMessage("segfault at 7f3c0a1b ip 0x00007f3c0a1b2c3d sp 0x7ffd in /usr/lib/libfoo.so.1[0x1000]")).toBe("segfault at <hex> ip <hex> sp <hex> in <path>[<hex>]");
    expect(normaliseMessage("job 3f2a1b4c-5d6e-4f70-8a91-b2c3d4e5f607 failed at 2026-11-28T12:00:00.123Z after 42 tries")).toBe("job <id> failed at <ts> after <n> tries");
    expect(normaliseMessage("FileNotFoundError: [Errno 2] No such file or directory: '/runpod-volume/a/b.bin'")).toBe("FileNotFoundError: [Errno <n>] No such file or directory: '<path>'");
  });

  it("keeps words with slashes that are not paths", () => {
    expect(normaliseMessage("CUDA-capable device(s) is/are busy or unavailable")).toBe("CUDA-capable device(s) is/are busy or unavailable");
  });
});

describe("fingerprint", () => {
  it("groups repeats that differ only in run-specific parts", () => {
    const a = { signature: "cuda_oom" as const, text: "x", message: "CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has 23.57 GiB" };
    const b = { signature: "cuda_oom" as const, text: "y", message: "CUDA out of memory. Tried to allocate 512.00 MiB. GPU 1 has 79.10 GiB" };
    expect(fingerprint(a)).not.toBe(fingerprint({ ...b, message: "something else" }));
    expect(fingerprint({ ...a, message: "Tried to allocate 2 GiB" })).toBe(fingerprint({ ...b, message: "Tried to allocate 512 GiB" }));
  });

  it("starts with the signature, so one message under two signatures differs", () => {
    expect(fingerprint({ signature: "random_device", text: "", message: "random_device could not be read" })).toBe("random_device:random_device could not be read");
    expect(fingerprint({ signature: "abort", text: "", message: "random_device could not be read" })).not.toBe(
      fingerprint({ signature: "random_device", text: "", message: "random_device could not be read" }),
    );
  });

  it("falls back to the text without a message", () => {
    expect(fingerprint({ signature: "segfault", text: "Segmentation fault (core dumped)" })).toBe("segfault:Segmentation fault (core dumped)");
  });
});
