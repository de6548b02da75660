"use client";

import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { timelineWindowToSearch, type TimelineWindow } from "@/lib/endpoints/client/timeline-queries";
import { EndpointTimeline } from "./endpoint-timeline";

/** The standalone timeline page: the window lives in the URL (?span= or ?from=&to=). */
export function EndpointTimelinePage({ endpointId, initialWindow }: { endpointId: string; initialWindow: TimelineWindow }) {
  const router = useRouter();
  const pathname = usePathname();
  const [win, setWin] = useState(initialWindow);
  return (
    <EndpointTimeline
      endpointId={endpointId}
      window={win}
      onWindowChange={(w) => {
        setWin(w);
        router.replace(`${pathname}${timelineWindowToSearch(w)}`, { scroll: false });
      }}
    />
  );
}
