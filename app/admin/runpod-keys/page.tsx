import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { getRunpodKeyStatus } from "@/lib/secrets/runpod-key";
import { RunpodKeysPanel } from "./runpod-keys-panel";

export const metadata: Metadata = { title: "RunPod keys" };

export default async function RunpodKeysPage() {
  await requireUser("admin", { path: "/admin/runpod-keys" });
  return <RunpodKeysPanel status={await getRunpodKeyStatus()} />;
}
