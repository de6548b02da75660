import type { PoolConfig } from "pg";

/**
 * Turns a postgresql:// URL into discrete pg settings. Needed because pg lets a
 * `connectionString` override `database`, which would make PrismaPg's shadow
 * database connect to the main database instead.
 */
export function poolConfigFromUrl(databaseUrl: string): PoolConfig {
  let u: URL;
  try {
    u = new URL(databaseUrl);
  } catch {
    throw new Error(`DATABASE_URL is not a valid URL: ${redactDatabaseUrl(databaseUrl)}`);
  }
  if (u.protocol !== "postgresql:" && u.protocol !== "postgres:") {
    throw new Error(`DATABASE_URL must start with postgresql:// (got "${u.protocol}//")`);
  }
  const params = u.searchParams;
  const config: PoolConfig = {
    host: params.get("host") ?? (u.hostname ? decodeURIComponent(u.hostname) : "localhost"),
    port: u.port ? Number(u.port) : params.get("port") ? Number(params.get("port")) : 5432,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: u.pathname.length > 1 ? decodeURIComponent(u.pathname.slice(1)) : undefined,
  };
  const sslmode = params.get("sslmode");
  if (sslmode === "require" || sslmode === "prefer" || sslmode === "no-verify") config.ssl = { rejectUnauthorized: false };
  else if (sslmode === "verify-ca" || sslmode === "verify-full") config.ssl = true;
  const appName = params.get("application_name");
  if (appName) config.application_name = appName;
  return config;
}

/** The same URL pointing at another database on the same server. */
export function withDatabase(databaseUrl: string, database: string): string {
  const u = new URL(databaseUrl);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function databaseNameOf(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || "postgres";
}

/** For messages and logs: never print a password. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return databaseUrl.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:****@");
  }
}
