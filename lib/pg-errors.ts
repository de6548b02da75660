/**
 * Turns a PostgreSQL connection failure into one readable line, without the
 * password and without a stack trace. Used by `sweepwatch doctor`, start-up and /api/health.
 */
export function maskDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

export function describeDatabaseError(err: unknown, url: string): string {
  const where = describeTarget(url);
  const e = err as { code?: string; message?: string; errno?: number } | undefined;
  const code = e?.code ?? "";
  const message = e?.message ?? String(err);
  switch (code) {
    case "ECONNREFUSED":
      return `cannot connect to ${where}: connection refused (is PostgreSQL running and listening on that port?)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot connect to ${where}: the host name does not resolve (check the host in DATABASE_URL)`;
    case "ETIMEDOUT":
    case "ETIMEOUT":
      return `cannot connect to ${where}: timed out (firewall, wrong host, or server overloaded)`;
    case "28P01":
    case "28000":
      return `cannot log in to ${where}: password authentication failed (check the user and password in DATABASE_URL)`;
    case "3D000":
      return `${where}: the database does not exist (create it, or fix the database name in DATABASE_URL)`;
    case "ERR_INVALID_URL":
      return `DATABASE_URL is not a valid URL (expected postgresql://user:password@host:5432/database)`;
  }
  if (/timeout/i.test(message)) return `cannot connect to ${where}: timed out`;
  if (/SSL/i.test(message)) return `cannot connect to ${where}: SSL problem (${firstLine(message)})`;
  return `cannot use ${where}: ${firstLine(message)}`;
}

function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const db = u.pathname.replace(/^\//, "") || "(default database)";
    return `PostgreSQL at ${u.hostname}:${u.port || "5432"} (database "${db}", user "${decodeURIComponent(u.username) || "(none)"}")`;
  } catch {
    return "PostgreSQL";
  }
}

function firstLine(s: string): string {
  return s.split("\n")[0].slice(0, 200);
}
