import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { createCtx } from "@/lib/ctx";
import { getDetectionSettings } from "@/lib/incidents/repository";
import { getGpuPrices } from "@/lib/damage/costs";
import { SettingsPanel } from "./settings-panel";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requireUser("admin", { path: "/admin/settings" });
  const [detection, prices] = await Promise.all([getDetectionSettings({}, createCtx()), getGpuPrices()]);
  return <SettingsPanel detection={detection} prices={prices} />;
}
