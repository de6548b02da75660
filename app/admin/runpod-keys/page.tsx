import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { createCtx } from "@/lib/ctx";
import { getRunpodKeyStatus } from "@/lib/secrets/runpod-key";
import { RunpodKeysPanel } from "./runpod-keys-panel";

export const metadata: Metadata = { title: "RunPod keys" };

export default async function RunpodKeysPage() {
  const principal = await requireUser("admin", { path: "/admin/runpod-keys" });
  return <RunpodKeysPanel status={await getRunpodKeyStatus({}, createCtx({ principal }))} />;
}
