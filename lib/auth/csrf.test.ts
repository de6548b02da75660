import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/errors";
import { assertCsrf, assertSameOrigin } from "./csrf";

const r = (method: string, h: Record<string, string>) => ({ method, headers: new Headers({ host: "localhost:3000", ...h }) });

function status(fn: () => void): number {
  try {
    fn();
    return 200;
  } catch (e) {
    return e instanceof AppError ? e.status : 500;
  }
}

describe("CSRF checks", () => {
  it("refuses cross-site requests by Sec-Fetch-Site or Origin", () => {
    expect(status(() => assertSameOrigin(r("POST", { "sec-fetch-site": "cross-site" })))).toBe(403);
    expect(status(() => assertSameOrigin(r("POST", { "sec-fetch-site": "same-site" })))).toBe(403);
    expect(status(() => assertSameOrigin(r("POST", { origin: "https://evil.example" })))).toBe(403);
    expect(status(() => assertSameOrigin(r("POST", { origin: "null" })))).toBe(403);
    expect(status(() => assertSameOrigin(r("POST", { origin: "http://localhost:3001" })))).toBe(403);
    expect(status(() => assertSameOrigin(r("POST", { origin: "http://localhost:3000", "sec-fetch-site": "same-origin" })))).toBe(200);
    expect(status(() => assertSameOrigin(r("POST", {})))).toBe(200);
  });

  it("needs the header token to equal the expected token on state-changing requests", () => {
    const same = { origin: "http://localhost:3000", "sec-fetch-site": "same-origin" };
    expect(status(() => assertCsrf(r("POST", same), "tok123"))).toBe(403);
    expect(status(() => assertCsrf(r("POST", { ...same, "x-csrf-token": "wrong" }), "tok123"))).toBe(403);
    expect(status(() => assertCsrf(r("DELETE", { ...same, "x-csrf-token": "tok123" }), undefined))).toBe(403);
    expect(status(() => assertCsrf(r("PATCH", { ...same, "x-csrf-token": "tok123" }), "tok123"))).toBe(200);
    expect(status(() => assertCsrf(r("POST", { origin: "https://evil.example", "x-csrf-token": "tok123" }), "tok123"))).toBe(403);
    expect(status(() => assertCsrf(r("GET", {}), "tok123"))).toBe(200);
  });
});
