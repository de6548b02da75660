import { describe, expect, it } from "vitest";
import pg from "pg";
import { describeDatabaseError, maskDatabaseUrl } from "./pg-errors";

describe("describeDatabaseError", () => {
  it("explains a refused connection in one line without the password", async () => {
    const url = "postgresql://alice:s3cretpw@127.0.0.1:1/app";
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    const err = await client.connect().then(() => null, (e: unknown) => e);
    const line = describeDatabaseError(err, url);
    expect(line).toContain("connection refused");
    expect(line).toContain("127.0.0.1:1");
    expect(line).not.toContain("s3cretpw");
    expect(line).not.toContain("\n");
  });

  it("names an unknown database", () => {
    expect(describeDatabaseError({ code: "3D000", message: 'database "x" does not exist' }, "postgresql://u@h:5432/x")).toContain("does not exist");
  });

  it("masks passwords", () => {
    expect(maskDatabaseUrl("postgresql://u:pw@h:5432/db")).toBe("postgresql://u:***@h:5432/db");
  });
});
