import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { z } from "zod";
import { apiRoute } from "./handler";
import { defineRoute } from "./spec";

describe("apiRoute time limit", () => {
  const spec = defineRoute({ method: "GET", path: "/api/test/slow", summary: "slow", tag: "test", access: "public", response: z.object({ ok: z.boolean() }), timeoutMs: 50 });

  it("answers 503 with a clear message when the handler runs past timeoutMs", async () => {
    const handler = apiRoute(spec, () => new Promise<never>(() => undefined));
    const res = await handler(new NextRequest("http://localhost/api/test/slow"));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: "unavailable", message: expect.stringMatching(/^The request took longer than 50 ms and was stopped/) } });
  });

  it("answers normally within the limit", async () => {
    const handler = apiRoute(spec, async () => ({ ok: true }));
    const res = await handler(new NextRequest("http://localhost/api/test/slow"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe("apiRoute input hygiene", () => {
  const spec = defineRoute({
    method: "POST",
    path: "/api/test/echo",
    summary: "echo",
    tag: "test",
    access: "public",
    query: z.object({ q: z.string().optional() }),
    body: z.object({ name: z.string(), tags: z.array(z.string()).optional() }),
    response: z.object({ name: z.string() }),
  });
  const handler = apiRoute(spec, async ({ body }) => ({ name: body.name }));
  const post = (url: string, body: unknown) => handler(new NextRequest(url, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }));

  it("refuses NUL characters anywhere in the body or query with a 422 naming the field", async () => {
    const a = await post("http://localhost/api/test/echo", { name: "ok", tags: ["x", "a\u0000b"] });
    expect(a.status).toBe(422);
    expect((await a.json()).error.issues).toEqual([{ path: "body.tags.1", message: "must not contain NUL (\\u0000) characters or unpaired UTF-16 surrogates" }]);
    const b = await post("http://localhost/api/test/echo?q=%00", { name: "ok" });
    expect(b.status).toBe(422);
    expect((await b.json()).error.issues[0].path).toBe("query.q");
    const c = await post("http://localhost/api/test/echo", { name: "fine \u00e9 <b> \ud83d\ude00" });
    expect(c.status).toBe(200);
  });

  it("refuses an unpaired surrogate, which jsonb cannot store, with a 422 naming the field", async () => {
    // JSON.stringify escapes the lone surrogate as \ud800, exactly what a hostile client sends.
    const r = await post("http://localhost/api/test/echo", { name: "bad \ud800 name" });
    expect(r.status).toBe(422);
    expect((await r.json()).error.issues[0].path).toBe("body.name");
  });
});
