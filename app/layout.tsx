import "./globals.css";
import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import { Suspense, type ReactNode } from "react";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { AppHeader } from "@/components/layout/app-header";
import { DataAge } from "@/components/layout/data-age";
import { DemoBanner } from "@/components/layout/demo-banner";
import { Providers } from "@/components/layout/providers";
import { themeInitScript } from "@/components/layout/theme";
import { Skeleton } from "@/components/ui/skeleton";
import { getSystemHealth } from "@/lib/data/system";
import { loadEnv } from "@/lib/env";
import { makeQueryClient } from "@/lib/queries/query-client";
import { healthQueryOptions } from "@/lib/queries/system";

export const metadata: Metadata = {
  title: { default: "sweepwatch", template: "%s · sweepwatch" },
  description: "RunPod serverless queues, worker crash logs and hyperparameter sweeps, with random_device crash-loop detection.",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#131316" },
  ],
};

/** Streams the header's data age: prefetched on the server, then polled by the client with the same options. */
async function DataAgeSlot() {
  // Its own client: with the request-shared one, the page's own (possibly still pending) prefetches
  // would be dehydrated into this boundary too, and hydrate out of order (React error #418).
  const queryClient = makeQueryClient();
  await queryClient.prefetchQuery(healthQueryOptions(() => getSystemHealth()));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <DataAge />
    </HydrationBoundary>
  );
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page shows live data: render per request, never at build time.
  await connection();
  const { mode } = loadEnv();
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeInitScript }} />
      </head>
      <body className="min-h-dvh">
        <Providers>
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:fixed focus:left-3 focus:top-3 focus:z-50 focus:rounded-md focus:bg-surface focus:px-3 focus:py-2 focus:text-sm focus:shadow"
          >
            Skip to content
          </a>
          <DemoBanner mode={mode} />
          <AppHeader
            status={
              <Suspense fallback={<Skeleton className="h-5 w-32" />}>
                <DataAgeSlot />
              </Suspense>
            }
          />
          <main id="main" className="mx-auto max-w-7xl px-4 py-8 sm:px-6">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
