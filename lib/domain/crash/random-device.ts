/**
 * Which family of std::random_device failure a crash shows, so the incident offers the runbook that fits
 * (lib/incidents/detection/runbooks/random-device.md, lib/incidents/detection/runbooks):
 * - `cpu_rng`: the CPU's RDSEED/RDRAND failed (`random_device: rdseed failed`, frames in `__x86_rdseed`):
 *   libstdc++'s default token uses the instruction on x86, and some CPUs or hypervisors fail it under load;
 * - `sandbox`: the source could not be opened or read in this container (`device not available`,
 *   `unsupported token`, libc++'s `failed to open` / `got EOF`, `getentropy failed`, a strerror after
 *   `could not be read:` such as `Too many open files`);
 * - `stdin_mix`: libstdc++'s bare `could not be read` (or `: Success`) and a thread blocked in `read(fd=0)`
 *   under `_M_getval`: most often two libstdc++ copies in one process reading stdin (EOF on /dev/null).
 */
export type RandomDeviceVariant = "stdin_mix" | "sandbox" | "cpu_rng";

const CPU_RE = /random_device: ?(?:rdseed|rdrand) failed|__x86_rd(?:seed|rand)/;
const SANDBOX_RE =
  /random_device(?:::random_device\([^)]*\)\s*:\s*(?:device not available|unsupported token)|: ?(?:getentropy|getrandom|arc4random|rand_s) failed|\s+(?:failed to open|got EOF|got an unexpected error|getentropy failed|rand_s failed|failed getrandom)|\s+could not be read: (?!Success\b|Undefined error: 0\b)\S)/;

/** The variant the crash's matched lines show; `stdin_mix` when nothing more specific is said. */
export function randomDeviceVariant(lines: readonly string[]): RandomDeviceVariant {
  const text = lines.join("\n");
  if (CPU_RE.test(text)) return "cpu_rng";
  if (SANDBOX_RE.test(text)) return "sandbox";
  return "stdin_mix";
}
