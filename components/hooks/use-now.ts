"use client";

import { useSyncExternalStore } from "react";

/*
 * One shared 1-second clock for relative times ("12 s ago"). During server
 * rendering and hydration it reads null, so the first client render matches
 * the server's HTML; ticking starts after hydration.
 */
const listeners = new Set<() => void>();
let now = 0;
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

function getSnapshot() {
  // Before the first subscriber, refresh at most once a second so repeated reads agree.
  if (!timer && Date.now() - now >= 1000) now = Date.now();
  return now;
}

export function useNow(): number | null {
  return useSyncExternalStore(subscribe, getSnapshot, () => null);
}
