import { AppError } from "@/lib/http/errors";
import { CSRF_COOKIE, CSRF_HEADER, readCookie } from "./request";
import { safeEqual } from "./tokens";

export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function hostOf(req: Pick<Request, "headers" | "method">): string | null {
  return req.headers.get("x-forwarded-host")?.split(",")[0].trim().toLowerCase() ?? req.headers.get("host")?.toLowerCase() ?? null;
}

/**
 * Refuses requests a browser sent on behalf of another site: Sec-Fetch-Site other than
 * same-origin/none, or an Origin whose host differs from the Host we were reached at.
 */
export function assertSameOrigin(req: Pick<Request, "headers" | "method">): void {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    throw new AppError("forbidden", "Cross-site request refused (Sec-Fetch-Site: " + site.slice(0, 32) + ").");
  }
  const origin = req.headers.get("origin");
  if (origin) {
    let originHost: string | null = null;
    try {
      originHost = origin === "null" ? null : new URL(origin).host.toLowerCase();
    } catch {
      originHost = null;
    }
    const host = hostOf(req);
    if (!originHost || !host || originHost !== host) throw new AppError("forbidden", "Cross-site request refused (Origin does not match this server).");
  }
}

/**
 * For a state-changing request authenticated by a cookie (session) or by being on localhost
 * (demo): same-origin check, then the X-CSRF-Token header must equal `expected` (the
 * session's token, or for demo the sw_csrf cookie). Clients read the sw_csrf cookie and
 * send it in the header (lib/queries/send-json.ts does this).
 */
export function assertCsrf(req: Pick<Request, "headers" | "method">, expected: string | null | undefined): void {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return;
  assertSameOrigin(req);
  const sent = req.headers.get(CSRF_HEADER);
  if (!sent) {
    throw new AppError("forbidden", `Missing CSRF token: send the value of the ${CSRF_COOKIE} cookie in the ${CSRF_HEADER} header (lib/queries/send-json.ts does this), or use an API token.`);
  }
  if (!expected || !safeEqual(sent, expected)) throw new AppError("forbidden", "CSRF token does not match this session. Reload the page and try again.");
}

/** Demo double-submit: the header must equal the sw_csrf cookie. */
export function demoCsrfExpected(req: Pick<Request, "headers" | "method">): string | undefined {
  return readCookie(req, CSRF_COOKIE);
}

/** A request a browser made (it sends Origin on every non-GET fetch and form post, and Sec-Fetch-* in all current engines). */
export function looksLikeBrowser(req: Pick<Request, "headers" | "method">): boolean {
  return req.headers.has("origin") || req.headers.has("sec-fetch-site") || req.headers.has("sec-fetch-mode");
}
