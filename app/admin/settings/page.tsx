import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/require-user";
import { getDetectionSettings } from "@/lib/incidents/service";
import { getGpuPrices } from "@/lib/damage/costs";
import { createCtx } from "@/lib/ctx";
import { SettingsPanel } from "./settings-panel";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  await requireUser("admin", { path: "/admin/settings" });
  const [detection, prices] = await Promise.all([getDetectionSettings(), getGpuPrices({}, createCtx())]);
  return <SettingsPanel detection={detection} prices={prices} />;
}
