import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineUrlState, searchParamsRecord, toQuery, withQuery } from "./url-state";

const state = defineUrlState(
  z.object({
    range: z.enum(["1h", "24h"]).catch("1h"),
    tags: z.preprocess((v) => (typeof v === "string" ? v.split(",") : v), z.array(z.string())).catch([]),
    page: z.coerce.number().int().catch(1),
    q: z.string().optional().catch(undefined),
  }),
);

describe("url state", () => {
  it("reads the same record from a server searchParams record and a browser URLSearchParams", () => {
    expect(searchParamsRecord(new URLSearchParams("a=1&b=2&b=3"))).toEqual({ a: "1", b: ["2", "3"] });
    const record = { a: "1" };
    expect(searchParamsRecord(record)).toBe(record);
  });

  it("parses bad or missing values to the schema's defaults", () => {
    expect(state.parse({})).toEqual({ range: "1h", tags: [], page: 1, q: undefined });
    expect(state.parse(new URLSearchParams("range=2y&page=x&tags=a,b&q=hi"))).toEqual({ range: "1h", tags: ["a", "b"], page: 1, q: "hi" });
  });

  it("writes the schema's key order and leaves out defaults and empty values", () => {
    expect(state.search({ q: "x y", page: 2, range: "24h", tags: ["a", "b"] })).toBe("?range=24h&tags=a%2Cb&page=2&q=x+y");
    expect(state.search({ range: "1h", tags: [], page: 1, q: "" })).toBe("");
    expect(state.query({ range: "24h", page: 3 }, ["page"]).toString()).toBe("page=3");
  });

  it("round-trips a state through its URL", () => {
    const s = state.parse({ range: "24h", tags: "x,y", page: "4" });
    expect(state.parse(new URLSearchParams(state.search(s)))).toEqual(s);
  });

  it("builds a path with a query, or the bare path", () => {
    expect(withQuery("/api/x", { id: "e 1", worker: "" })).toBe("/api/x?id=e+1");
    expect(withQuery("/api/x", { worker: undefined })).toBe("/api/x");
    expect(toQuery({ on: true, n: 0, list: [] }).toString()).toBe("on=true&n=0");
  });
});
