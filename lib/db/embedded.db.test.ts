import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { embeddedStateFile, findRunningEmbedded, NoDatabaseError, resolveDatabaseUrl, startEmbeddedPostgres } from "./embedded";

const dataDir = mkdtempSync(path.join(tmpdir(), "sweepwatch-embedded-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function query(url: string, sql: string): Promise<unknown[]> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe("embedded PostgreSQL", () => {
  it("keeps data across stop/start, publishes its URL while running, and survives a stale postmaster.pid", async () => {
    const first = await startEmbeddedPostgres({ dataDir, port: 0 });
    let second: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
    try {
      expect(first.reused).toBe(false);
      expect(first.url).toMatch(/^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/sweepwatch$/);
      await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('across restarts')");

      // Other processes find it through the state file.
      expect(JSON.parse(readFileSync(embeddedStateFile(dataDir), "utf8")).url).toBe(first.url);
      expect(resolveDatabaseUrl({ env: {}, dataDir })).toBe(first.url);
      const again = await startEmbeddedPostgres({ dataDir, port: 0 });
      expect(again.reused).toBe(true); // a live owner keeps it; no second server
      expect(again.url).toBe(first.url);

      await first.stop();
      expect(existsSync(embeddedStateFile(dataDir))).toBe(false);
      expect(findRunningEmbedded(dataDir)).toBeNull();
      expect(() => resolveDatabaseUrl({ env: {}, dataDir })).toThrow(NoDatabaseError);

      // A crash leaves postmaster.pid behind with a pid that is no longer a postmaster.
      writeFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "2147483646\n" + path.join(dataDir, "postgres") + "\n");
      second = await startEmbeddedPostgres({ dataDir, port: 0 });
      expect(await query(second.url, "SELECT v FROM kept")).toEqual([{ v: "across restarts" }]);
    } finally {
      await second?.stop();
      await first.stop();
    }
  });
});
