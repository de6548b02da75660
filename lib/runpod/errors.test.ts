import { describe, expect, it } from "vitest";
import { RunpodError, createRedactor, describeCause, kindForStatus, parseErrorBody } from "./errors";

const KEY = "rpa_ERRKEY+/=0123456789";
const redact = createRedactor(KEY);

describe("createRedactor", () => {
  it("masks the raw, URL-encoded and JSON-escaped forms of the key", () => {
    expect(redact(`Bearer ${KEY}`)).toBe("Bearer [redacted]");
    expect(redact(`/v2/${encodeURIComponent(KEY)}/run`)).toBe("/v2/[redacted]/run");
    expect(redact(`?k=${new URLSearchParams({ k: KEY }).toString().slice(2)}`)).toBe("?k=[redacted]");
    expect(redact("nothing secret here")).toBe("nothing secret here");
  });

  it("does nothing for a too-short secret instead of mangling text", () => {
    expect(createRedactor("ab")("abcabc")).toBe("abcabc");
  });
});

describe("parseErrorBody", () => {
  it("reads RFC 9457 problem documents", () => {
    expect(parseErrorBody(JSON.stringify({ type: "about:blank", title: "Unprocessable", status: 422, detail: "bad", errors: ["a", { b: 1 }] }), redact)).toEqual({
      problem: { type: "about:blank", title: "Unprocessable", status: 422, detail: "bad", errors: ["a", '{"b":1}'] },
      bodySnippet: expect.any(String),
    });
  });

  it("reads {error}, {message}, {error:{message}}, a JSON string and plain text", () => {
    expect(parseErrorBody('{"error":"boom"}', redact).problem).toEqual({ detail: "boom" });
    expect(parseErrorBody('{"message":"nope"}', redact).problem).toEqual({ detail: "nope" });
    expect(parseErrorBody('{"error":{"message":"deep"}}', redact).problem).toEqual({ detail: "deep" });
    expect(parseErrorBody('"just a string"', redact).problem).toEqual({ detail: "just a string" });
    expect(parseErrorBody("upstream connect error", redact)).toEqual({ problem: null, bodySnippet: "upstream connect error" });
    expect(parseErrorBody("   ", redact)).toEqual({ problem: null, bodySnippet: null });
  });

  it("bounds and redacts what it keeps", () => {
    const { problem, bodySnippet } = parseErrorBody(JSON.stringify({ detail: `key ${KEY} ${"x".repeat(2000)}` }), redact);
    expect(problem!.detail!.length).toBeLessThanOrEqual(500);
    expect(problem!.detail).not.toContain(KEY);
    expect(bodySnippet!.length).toBeLessThanOrEqual(500);
    expect(bodySnippet).not.toContain("ERRKEY");
  });
});

describe("RunpodError", () => {
  it("maps statuses to kinds", () => {
    expect([400, 401, 403, 404, 409, 422, 429, 500, 503].map(kindForStatus)).toEqual([
      "bad_request",
      "unauthorized",
      "forbidden",
      "not_found",
      "bad_request",
      "bad_request",
      "rate_limited",
      "server",
      "server",
    ]);
  });

  it("serializes its fields and says whether it is transient", () => {
    const e = new RunpodError({ kind: "server", operation: "health", message: "m", status: 503 });
    expect(e.transient).toBe(true);
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ name: "RunpodError", kind: "server", operation: "health", status: 503, message: "m" });
    expect(new RunpodError({ kind: "ambiguous", operation: "run", message: "m" }).transient).toBe(false);
  });

  it("describeCause walks nested causes and keeps the code", () => {
    const err = new TypeError("fetch failed", { cause: Object.assign(new Error(`connect ECONNREFUSED ${KEY}`), { code: "ECONNREFUSED" }) });
    const d = describeCause(err, redact);
    expect(d.code).toBe("ECONNREFUSED");
    expect(d.text).toContain("fetch failed");
    expect(d.text).not.toContain(KEY);
  });
});
