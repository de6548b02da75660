/**
 * End-to-end tests read and (in later issues) write data. They refuse to run
 * against anything but a local database or server, so a mistyped URL can never
 * point them at a shared or production system.
 */
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"]);

export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase();
  return LOCAL_HOSTS.has(h) || h.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** True for postgresql:// URLs on a loopback host or a Unix socket (?host=/path or an empty host). */
export function isLocalDatabaseUrl(url: string): boolean {
  // Not parsed with URL: WHATWG rejects libpq's socket form "postgresql://user@/db?host=/run/postgresql".
  const m = /^postgres(?:ql)?:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::\d+)?(?:\/[^?#]*)?(?:\?([^#]*))?$/i.exec(url.trim());
  if (!m) return false;
  const host = decodeURIComponent(m[1]);
  const socketHost = new URLSearchParams(m[2] ?? "").get("host");
  if (socketHost) return socketHost.startsWith("/") || isLocalHost(socketHost);
  return host === "" || isLocalHost(host);
}

export function assertLocalTarget(opts: { databaseUrl?: string; baseUrl?: string; allowNonLocal?: boolean }): void {
  if (opts.allowNonLocal) return;
  const hint = "E2E tests only run against a local database and server. Set E2E_ALLOW_NONLOCAL=1 if this really is a disposable test system.";
  if (opts.databaseUrl !== undefined && !isLocalDatabaseUrl(opts.databaseUrl)) {
    throw new Error(`Refusing to run: DATABASE_URL does not point at a local PostgreSQL. ${hint}`);
  }
  if (opts.baseUrl !== undefined) {
    let host = "";
    try {
      host = new URL(opts.baseUrl).hostname;
    } catch {
      throw new Error(`E2E_BASE_URL is not a URL: "${opts.baseUrl}".`);
    }
    if (!isLocalHost(host)) throw new Error(`Refusing to run: E2E_BASE_URL (${host}) is not a local server. ${hint}`);
  }
}
