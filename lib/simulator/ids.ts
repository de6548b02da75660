import type { Rng } from "@/lib/domain/prng";

const HEX = "0123456789abcdef";
const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A version-4-shaped UUID, the form of RunPod job ids. */
export function uuid(rng: Rng): string {
  let s = "";
  for (let i = 0; i < 32; i++) {
    let x = rng.u32() & 15;
    if (i === 12) x = 4;
    if (i === 16) x = (x & 3) | 8;
    s += HEX[x];
    if (i === 7 || i === 11 || i === 15 || i === 19) s += "-";
  }
  return s;
}

/** Lower-case letters and digits, the form of RunPod worker ids. */
export function alnum(rng: Rng, length: number): string {
  let s = "";
  for (let i = 0; i < length; i++) s += ALNUM[rng.u32() % 36];
  return s;
}
