import { expect, test } from "@playwright/test";

/**
 * The endpoint, job, log and ingest API of issue 4 over HTTP. Seeds its own endpoint (added by
 * hand as the demo admin from localhost); works with or without the poller running.
 */
test.describe("endpoints, jobs and logs API", () => {
  test("an endpoint added by hand is listed, readable, pausable, and has empty nested resources", async ({ request }) => {
    const id = `e2e-api-${Date.now().toString(36)}`;
    const add = await request.post("/api/endpoints", { data: { id, displayName: "E2E endpoint" } });
    expect(add.status(), await add.text()).toBe(201);

    const list = await (await request.get("/api/endpoints")).json();
    const mine = list.endpoints.find((e: { id: string }) => e.id === id);
    expect(mine).toMatchObject({ id, displayName: "E2E endpoint", source: "manual", paused: false, latestSnapshot: null, snapshotAgeSeconds: null });

    const paused = await request.patch(`/api/endpoints/${id}`, { data: { paused: true } });
    expect(paused.status()).toBe(200);
    expect((await paused.json()).endpoint.paused).toBe(true);

    const snaps = await (await request.get(`/api/endpoints/${id}/snapshots?points=30`)).json();
    expect(snaps).toMatchObject({ endpointId: id, points: [], downsampled: false });
    expect((await (await request.get(`/api/endpoints/${id}/workers`)).json()).workers).toEqual([]);
    expect((await (await request.get(`/api/jobs?endpointId=${id}`)).json())).toEqual({ jobs: [], nextCursor: null });
    expect((await (await request.get(`/api/logs?endpointId=${id}`)).json()).lines).toEqual([]);
    expect((await request.get(`/api/endpoints/no-such-${id}`)).status()).toBe(404);
  });

  test("bad input gets a clear 422 naming the field", async ({ request }) => {
    const r = await request.post("/api/jobs", { data: { endpointId: "x", input: "not an object" } });
    expect(r.status()).toBe(422);
    const body = await r.json();
    expect(body.error.issues.map((i: { path: string }) => i.path)).toContain("body.input");
    expect((await request.get("/api/jobs?limit=5000")).status()).toBe(422);
  });

  test("log upload is stored once and comes back as text; download is a text attachment", async ({ request }) => {
    const id = `e2e-logs-${Date.now().toString(36)}`;
    expect((await request.post("/api/endpoints", { data: { id } })).status()).toBe(201);
    const text = "2026-11-28T10:00:00Z terminate called after throwing an instance of 'std::runtime_error'\n2026-11-28T10:00:00Z   what():  random_device could not be read\n";
    const up = await request.post(`/api/logs/upload?endpointId=${id}&workerId=w1`, { headers: { "content-type": "text/plain" }, data: text });
    expect(up.status(), await up.text()).toBe(201);
    expect((await up.json()).inserted).toBe(2);
    expect((await (await request.post(`/api/logs/upload?endpointId=${id}&workerId=w1`, { headers: { "content-type": "text/plain" }, data: text })).json()).inserted).toBe(0);
    const found = await (await request.get(`/api/logs?endpointId=${id}&q=random_device`)).json();
    expect(found.lines.map((l: { text: string }) => l.text)).toEqual(["  what():  random_device could not be read"]);
    const dl = await request.get(`/api/logs/download?endpointId=${id}`);
    expect(dl.headers()["content-type"]).toContain("text/plain");
    expect(dl.headers()["content-disposition"]).toMatch(/^attachment;/);
    expect((await dl.text()).trimEnd().split("\n")).toHaveLength(2);
  });

  test("push routes check their own secrets; the wrapper script is served", async ({ request }) => {
    expect((await request.post("/api/ingest/logs", { data: { endpointId: "x", workerId: "w", batchId: "b", lines: [] } })).status()).toBe(401);
    const hook = await request.post("/api/webhooks/runpod/swh_thisisnotarealsecretthisisnotarealsecret", { data: { id: "j", status: "COMPLETED" } });
    expect(hook.status()).toBe(404);
    const wrapper = await request.get("/api/worker-wrapper");
    expect(wrapper.status()).toBe(200);
    expect(await wrapper.text()).toContain("SWEEPWATCH_INGEST_TOKEN");
    const doc = await (await request.get("/api/openapi.json")).json();
    for (const p of ["/api/endpoints", "/api/endpoints/{id}/snapshots", "/api/endpoints/{id}/workers", "/api/jobs", "/api/jobs/{id}", "/api/logs", "/api/ingest/logs", "/api/webhooks/runpod/{secret}"]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
  });
});
