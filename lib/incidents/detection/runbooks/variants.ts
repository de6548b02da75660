import type { RandomDeviceVariant } from "@/lib/domain/crash";

/**
 * What this incident's random_device crash says (randomDeviceVariant on its matched lines), shown above
 * the shared note (random-device.md): the family, what to do first, and the confirmation commands in
 * the order that settles it fastest. Sources: lib/incidents/detection/runbooks/random-device.md; for the CPU RNG family
 * GCC bug 94087 and the token workaround of googleapis/google-cloud-cpp-common#208 and #272.
 */
export const RANDOM_DEVICE_VARIANT_INFO: Record<RandomDeviceVariant, { title: string; explanation: string; markdown: string; commands: string[] }> = {
  stdin_mix: {
    title: "std::random_device could not be read: stdin / two libstdc++ copies",
    explanation:
      "libstdc++'s bare `random_device could not be read` (or a thread blocked in read(fd=0) under _M_getval): most often two libstdc++ copies in one process (TensorFlow with PyTorch, duckdb, LightGBM, ...) reading stdin, which is /dev/null on a serverless worker. Import order decides; restarting never fixes it.",
    markdown: [
      "## This incident: stdin / two libstdc++ copies",
      "",
      "The crash says `random_device could not be read` without a cause (or hangs in `read(fd=0)` under",
      "`std::random_device::_M_getval()`): the layout mix described below, until step 1 shows otherwise.",
      "",
      "1. Confirm with the import-order pair and `LD_DEBUG=bindings` (commands above).",
      "2. Import the other C++ library before TensorFlow, or split them into separate workers.",
      "3. Pin a TensorFlow build without the conflict; stop-gap: stdin on `/dev/urandom`.",
      "",
    ].join("\n"),
    commands: [
      '# 134 only with TensorFlow first: the two-libstdc++ mix\npython -c "import tensorflow; import torch" </dev/null; echo $?\npython -c "import torch; import tensorflow" </dev/null; echo $?',
      '# _M_init and _M_getval bound to different files: the mix\nLD_DEBUG=bindings python -c "import tensorflow; import torch" </dev/null 2>&1 | grep -F _ZNSt13random_device',
      '# read(0, "", 4) = 0 before the abort: the mix; a failed openat("/dev/urandom") or device read: sandbox\nstrace -f -e trace=openat,read python -c "import tensorflow; import torch" </dev/null 2>&1 | tail -n 30',
      "ls -l /dev/urandom\nulimit -n\ngrep -m1 vendor_id /proc/cpuinfo",
    ],
  },
  sandbox: {
    title: "std::random_device could not open or read its source: sandboxed device",
    explanation:
      "The random source could not be opened or read in this container: /dev/urandom missing, replaced or unreadable, file descriptors exhausted, or seccomp denying getrandom/openat. Not the two-libstdc++ mix; fix the container, not the imports.",
    markdown: [
      "## This incident: sandboxed device",
      "",
      "The crash names an open or read failure of the random source (`device not available`,",
      "`failed to open`, `got EOF`, `getentropy failed`, or a strerror such as `Too many open files`).",
      "",
      "1. Check the device, the fd limit and seccomp in one shell of the same image (commands above).",
      "2. Make `/dev/urandom` exist and be readable in the container; do not bind-mount over it.",
      "3. Raise the fd limit or close leaked descriptors (`Too many open files`).",
      "4. Allow `getrandom` (and `openat` of `/dev/urandom`) in custom seccomp profiles.",
      "",
    ].join("\n"),
    commands: [
      "ls -l /dev/urandom /dev/random\nhead -c 16 /dev/urandom | od -An -tx1",
      "# fd exhaustion: compare open descriptors with the limit\nulimit -n\nls /proc/$$/fd | wc -l",
      "# seccomp filter active (2) and failing reads or opens of the device\ngrep Seccomp /proc/self/status\nstrace -f -e trace=openat,read,getrandom python -c 'import random' 2>&1 | grep -E 'urandom|getrandom' | tail",
    ],
  },
  cpu_rng: {
    title: "std::random_device: rdseed/rdrand failed: CPU random-number instruction",
    explanation:
      "libstdc++'s default token uses the CPU's RDSEED/RDRAND on x86, and the instruction failed (contention under many threads, GCC bug 94087, or a faulty CPU/hypervisor). It depends on the host, not the image: another host may work.",
    markdown: [
      "## This incident: CPU random-number instruction (rdseed/rdrand)",
      "",
      "The crash says `random_device: rdseed failed` (or `rdrand failed`, or frames in `__x86_rdseed`).",
      "",
      "1. Check the host's CPU and whether it offers the instructions (commands above); compare with a host that works.",
      "2. In code you control, construct `std::random_device` with the token `\"/dev/urandom\"` (or `\"rdrand\"`",
      "   where RDSEED is the one failing), the workaround google-cloud-cpp adopted.",
      "3. Upgrade the image's libstdc++ (newer releases retry and fall back).",
      "4. Move the endpoint to another GPU type or data center (a different CPU) until the code is fixed.",
      "",
    ].join("\n"),
    commands: [
      "grep -m1 'model name' /proc/cpuinfo\ngrep -o -m1 -w -E 'rdseed|rdrand' /proc/cpuinfo | sort -u",
      "# libstdc++ version in the image (the token fallback changed across releases)\nstrings $(ldconfig -p | awk '/libstdc\\+\\+\\.so\\.6 /{print $NF; exit}') | grep -E '^GLIBCXX_3\\.4\\.[0-9]+$' | tail -n 1",
    ],
  },
};
