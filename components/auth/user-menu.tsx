"use client";

import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { z } from "zod";
import { meQueryOptions } from "@/lib/auth/client/queries";
import { sendJson } from "@/lib/queries/send-json";

/** Who is signed in, a link to settings, and sign-out. For the header's right-hand slot. */
export function UserMenu() {
  const { data } = useQuery(meQueryOptions());
  const p = data?.principal;
  if (!p) return null;
  return (
    <div className="flex items-center gap-2 text-xs text-muted">
      <Link href="/admin" className="hover:text-fg" title={`Role: ${p.role}`}>
        {p.name} <span className="text-faint">({p.role})</span>
      </Link>
      {p.via === "session" ? <SignOutButton /> : null}
    </div>
  );
}

export function SignOutButton() {
  return (
    <button
      type="button"
      className="rounded-md px-2 py-1 text-xs text-muted hover:bg-subtle hover:text-fg"
      onClick={() => {
        void sendJson("POST", "/api/auth/logout", undefined, z.object({ ok: z.literal(true) })).finally(() => {
          // A full reload, so no query cached for the old session survives.
          // eslint-disable-next-line @next/next/no-location-assign-relative-destination
          window.location.assign("/login");
        });
      }}
    >
      Sign out
    </button>
  );
}
