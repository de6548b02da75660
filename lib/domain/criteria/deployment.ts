/**
 * The deployment a worker runs, as RunPod defines it: the endpoint config version (`version` in the v2
 * workers API; it changes with image, env, start command or template, docs/runpod-api.md 4.1)
 * where given, else the image. A fix through env vars or a re-pushed tag is a new deployment; the same
 * tag text under a new version is not "the same image".
 */
export function deploymentOf(w: { version: string | null; image: string | null }): { key: string; label: string } | null {
  if (w.version) return { key: `version:${w.version}`, label: `version ${w.version}${w.image ? ` (${w.image})` : ""}` };
  if (w.image) return { key: `image:${w.image}`, label: w.image };
  return null;
}
