import { expect, test } from "@playwright/test";

test.describe("GET /api/health", () => {
  test("answers 200 with the database up, the mode and the poller's last tick", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("application/json");
    expect(res.headers()["cache-control"]).toContain("no-store");
    const body = await res.json();
    expect(body).toMatchObject({ status: "ok", database: "up" });
    expect(["demo", "live"]).toContain(body.mode);
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Number.isNaN(Date.parse(body.time))).toBe(false);
    expect(Object.keys(body.poller).sort()).toEqual(["ageSeconds", "lastTickAt"]);
    if (body.poller.lastTickAt === null) {
      expect(body.poller.ageSeconds).toBeNull();
    } else {
      expect(Number.isNaN(Date.parse(body.poller.lastTickAt))).toBe(false);
      expect(body.poller.ageSeconds).toBeGreaterThanOrEqual(0);
    }
  });

  test("reports the time of each call (not cached)", async ({ request }) => {
    const first = await (await request.get("/api/health")).json();
    await expect
      .poll(async () => (await (await request.get("/api/health")).json()).time, { timeout: 5_000 })
      .not.toBe(first.time);
  });
});

test.describe("GET /api/openapi.json", () => {
  test("is an OpenAPI 3.1 document that describes /api/health and the error shape", async ({ request }) => {
    const res = await request.get("/api/openapi.json");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("application/json");
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("sweepwatch API");
    const health = doc.paths["/api/health"]?.get;
    expect(health, "paths./api/health.get").toBeTruthy();
    expect(Object.keys(health.responses)).toEqual(expect.arrayContaining(["200", "503"]));
    const schema = health.responses["200"].content["application/json"].schema;
    expect(schema.properties.database.enum).toEqual(["up", "down"]);
    expect(doc.paths["/api/openapi.json"]?.get).toBeTruthy();
    expect(doc.components.schemas.Error.required).toEqual(["error"]);
  });
});
