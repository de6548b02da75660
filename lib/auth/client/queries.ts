import { queryOptions } from "@tanstack/react-query";
import { MeDtoSchema, type MeDto } from "@/lib/api/specs/auth";
import { fetchJson } from "@/lib/queries/fetch-json";

export const authKeys = {
  all: ["auth"] as const,
  me: () => [...authKeys.all, "me"] as const,
};

/** Who is signed in: the header's user menu and any page that offers role-dependent controls. */
export function meQueryOptions() {
  return queryOptions<MeDto>({
    queryKey: authKeys.me(),
    queryFn: ({ signal }) => fetchJson("/api/auth/me", MeDtoSchema, { signal }),
    staleTime: 60_000,
  });
}
