import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NoDatabaseError, findRunningEmbedded, resolveDatabaseUrl } from "./embedded-state";
import { poolConfigFromUrl, redactDatabaseUrl, withDatabase } from "./pg-config";

const dataDir = mkdtempSync(path.join(tmpdir(), "sweepwatch-state-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("resolveDatabaseUrl", () => {
  it("prefers DATABASE_URL", () => {
    expect(resolveDatabaseUrl({ env: { DATABASE_URL: " postgresql://a@h/db " }, dataDir })).toBe("postgresql://a@h/db");
  });

  it("says what to do when there is no database", () => {
    expect(() => resolveDatabaseUrl({ env: {}, dataDir })).toThrow(NoDatabaseError);
    expect(() => resolveDatabaseUrl({ env: {}, dataDir })).toThrow("no database: set DATABASE_URL or run npm start");
  });

  it("ignores a state file whose server is gone", () => {
    writeFileSync(
      path.join(dataDir, "postgres.json"),
      JSON.stringify({ url: "postgresql://postgres:x@127.0.0.1:1/sweepwatch", port: 1, pid: 2147483646, ownerPid: 2147483646, dataDir, startedAt: "" }),
    );
    expect(findRunningEmbedded(dataDir)).toBeNull();
    expect(() => resolveDatabaseUrl({ env: { DATABASE_URL: "  " }, dataDir })).toThrow(NoDatabaseError);
  });
});

describe("pg-config", () => {
  it("splits a URL into pg settings so that `database` can be overridden", () => {
    expect(poolConfigFromUrl("postgresql://u%40x:p%2Fw@db.example:6543/my%20db?sslmode=require")).toEqual({
      host: "db.example",
      port: 6543,
      user: "u@x",
      password: "p/w",
      database: "my db",
      ssl: { rejectUnauthorized: false },
    });
    expect(poolConfigFromUrl("postgres://postgres@127.0.0.1/test")).toMatchObject({ port: 5432, password: undefined });
  });

  it("rejects what is not a PostgreSQL URL, without echoing a password", () => {
    expect(() => poolConfigFromUrl("mysql://u:pw@h/db")).toThrow(/postgresql:\/\//);
    expect(() => poolConfigFromUrl("not a url :secretpw@")).toThrow(/not a valid URL/);
  });

  it("redacts passwords and swaps databases", () => {
    expect(redactDatabaseUrl("postgresql://u:hunter22@h:5432/db")).toBe("postgresql://u:****@h:5432/db");
    expect(withDatabase("postgresql://u:p@h:5432/db?sslmode=require", "other")).toBe("postgresql://u:p@h:5432/other?sslmode=require");
  });
});
