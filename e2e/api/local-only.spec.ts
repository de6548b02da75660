import { expect, test } from "@playwright/test";
import { assertLocalTarget, isLocalDatabaseUrl } from "../support/local-only";

// The guard in playwright.config.ts: e2e never runs against a shared or remote system.
test.describe("local-only guard", () => {
  const cases: Array<[string, boolean]> = [
    ["postgresql://postgres@127.0.0.1:5432/x", true],
    ["postgres://u:p@localhost/x?sslmode=disable", true],
    ["postgresql://u@[::1]:5432/x", true],
    ["postgresql://u@/db?host=/var/run/postgresql", true],
    ["postgresql:///db", true],
    ["postgresql://u@db.example.com/x", false],
    ["postgresql://u@10.0.0.5:5432/x", false],
    ["postgresql://u@localhost.evil.com/x", false],
    ["postgresql://u@/db?host=db.example.com", false],
    ["postgresql://u:p@127.0.0.1@evil.com/x", false],
    ["mysql://localhost/x", false],
  ];
  for (const [url, local] of cases) {
    test(`${url} is ${local ? "local" : "refused"}`, () => {
      expect(isLocalDatabaseUrl(url)).toBe(local);
    });
  }

  test("refuses a remote server unless explicitly allowed", () => {
    expect(() => assertLocalTarget({ baseUrl: "https://sweepwatch.example.com" })).toThrow(/not a local server/);
    expect(() => assertLocalTarget({ databaseUrl: "postgresql://u@db.example.com/x" })).toThrow(/DATABASE_URL/);
    expect(() => assertLocalTarget({ baseUrl: "http://127.0.0.1:3100", databaseUrl: "postgresql://u@localhost/x" })).not.toThrow();
    expect(() => assertLocalTarget({ databaseUrl: "postgresql://u@db.example.com/x", allowNonLocal: true })).not.toThrow();
  });
});
