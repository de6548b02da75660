import { describe, expect, it } from "vitest";
import { randomDeviceVariant } from "./random-device";

describe("randomDeviceVariant", () => {
  it("names the CPU RNG for rdseed/rdrand failures and their frames", () => {
    expect(randomDeviceVariant(["C++ exception with description \"random_device: rdseed failed\" thrown in the test body."])).toBe("cpu_rng");
    expect(randomDeviceVariant(["#2  in std::(anonymous namespace)::__x86_rdseed () at /build/gcc/src/gcc/libstdc++-v3/src/c++11/random.cc:108"])).toBe("cpu_rng");
    expect(randomDeviceVariant(["  what():  random_device: rdrand failed"])).toBe("cpu_rng");
  });

  it("names the sandbox when the source cannot be opened or read in the container", () => {
    for (const l of [
      "  what():  random_device::random_device(const std::string&): device not available",
      "  what():  random_device::random_device(const std::string&): unsupported token",
      "libc++abi: terminating with uncaught exception of type std::__1::system_error: random_device failed to open /dev/urandom: Too many open files",
      "libc++abi: terminating due to uncaught exception of type std::__1::system_error: random_device got EOF: Undefined error: 0",
      "ERROR: LoadError: random_device: getentropy failed",
      "  what():  random_device could not be read: No such file or directory",
    ]) {
      expect(randomDeviceVariant([l]), l).toBe("sandbox");
    }
  });

  it("names the stdin / two-libstdc++ case for the bare wording and the read(fd=0) hang", () => {
    expect(randomDeviceVariant(["terminate called after throwing an instance of 'std::runtime_error'", "  what():  random_device could not be read"])).toBe("stdin_mix");
    expect(randomDeviceVariant(["ImportError: random_device could not be read"])).toBe("stdin_mix");
    expect(randomDeviceVariant(["  what():  random_device could not be read: Success"])).toBe("stdin_mix");
    expect(randomDeviceVariant(["#1  0x00007fffd8a4c3b1 in std::random_device::_M_getval() () from /lib/x86_64-linux-gnu/libstdc++.so.6"])).toBe("stdin_mix");
  });
});
