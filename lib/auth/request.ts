/** Small, pure helpers reading a Request's headers (work with Request, NextRequest and next/headers' Headers). */

type HeaderSource = { headers: Headers };

export const SESSION_COOKIE = "sw_session";
export const CSRF_COOKIE = "sw_csrf";
export const CSRF_HEADER = "x-csrf-token";

export function readCookie(req: HeaderSource, name: string): string | undefined {
  const header = req.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) {
      const raw = part.slice(i + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return undefined;
}

/**
 * The caller's address: the first X-Forwarded-For entry (Next's server fills it from the
 * socket when the client did not send one). Behind a reverse proxy, the proxy must set it.
 */
export function clientIp(req: HeaderSource): string | null {
  const xff = req.headers.get("x-forwarded-for");
  if (xff) return xff.split(",")[0].trim() || null;
  return req.headers.get("x-real-ip");
}

export function isHttps(req: HeaderSource & { url?: string }): boolean {
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0].trim();
  if (proto) return proto === "https";
  try {
    return req.url ? new URL(req.url).protocol === "https:" : false;
  } catch {
    return false;
  }
}

export function isLoopbackAddress(addr: string): boolean {
  const a = addr.trim().toLowerCase().replace(/^\[|\]$/g, "");
  if (a === "::1" || a === "0:0:0:0:0:0:0:1") return true;
  const v4 = a.startsWith("::ffff:") ? a.slice(7) : a;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  return h.split(":")[0];
}

/**
 * True when the request names a loopback host (Host: localhost / 127.0.0.1 / [::1]) and
 * every address we can see (X-Forwarded-For, X-Real-IP, which Next fills from the socket)
 * is a loopback address. Used only for the demo-mode auto sign-in.
 */
export function isLocalRequest(req: HeaderSource): boolean {
  const host = req.headers.get("host");
  if (!host) return false;
  const hn = hostnameOf(host);
  if (hn !== "localhost" && hn !== "[::1]" && !isLoopbackAddress(hn)) return false;
  const seen = [
    ...(req.headers.get("x-forwarded-for")?.split(",") ?? []),
    ...(req.headers.get("x-real-ip") ? [req.headers.get("x-real-ip")!] : []),
  ].map((s) => s.trim()).filter(Boolean);
  if (req.headers.get("forwarded")) return false;
  return seen.every(isLoopbackAddress);
}

/** Only same-site relative paths: "/sweeps?x=1" yes; "//evil", "/\\evil", "https://evil" no. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (/[\r\n]/.test(next)) return "/";
  return next;
}

export interface CookieOptions {
  maxAgeSeconds?: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: "Lax" | "Strict";
}

export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", `SameSite=${opts.sameSite ?? "Lax"}`];
  if (opts.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`);
  if (opts.httpOnly) parts.push("HttpOnly");
  if (opts.secure) parts.push("Secure");
  return parts.join("; ");
}
