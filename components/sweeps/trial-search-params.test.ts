import { describe, expect, it } from "vitest";
import { parseTrialSearchParams, trialFilterQuery, trialSearchParamsToQuery } from "./trial-search-params";

describe("trial search params", () => {
  it("parses the same state from a server searchParams record and a browser URLSearchParams", () => {
    const url = "status=failed,completed&sort=metric&order=asc&limit=50&valueMin=0.5&cursor=abc";
    const fromBrowser = parseTrialSearchParams(new URLSearchParams(url));
    const fromServer = parseTrialSearchParams({ status: "failed,completed", sort: "metric", order: "asc", limit: "50", valueMin: "0.5", cursor: "abc" });
    expect(fromBrowser).toEqual(fromServer);
    expect(fromServer).toEqual({ status: ["completed", "failed"], sort: "metric", order: "asc", limit: 50, valueMin: 0.5, valueMax: undefined, cursor: "abc", trial: undefined });
  });

  it("accepts repeated status keys and drops unknown statuses", () => {
    expect(parseTrialSearchParams(new URLSearchParams("status=running&status=bogus&status=queued")).status).toEqual(["queued", "running"]);
  });

  it("falls back to defaults for bad values instead of throwing", () => {
    expect(parseTrialSearchParams({ sort: "evil", limit: "7", order: "up", valueMin: "abc" })).toEqual({
      status: [],
      sort: "number",
      order: undefined,
      limit: 25,
      valueMin: undefined,
      valueMax: undefined,
      cursor: undefined,
      trial: undefined,
    });
  });

  it("round-trips through the URL and leaves defaults out", () => {
    const p = parseTrialSearchParams({ status: ["running"], sort: "metric", valueMax: "3" });
    expect(trialSearchParamsToQuery(p).toString()).toBe("status=running&sort=metric&valueMax=3");
    expect(parseTrialSearchParams(trialSearchParamsToQuery(p))).toEqual(p);
    expect(trialSearchParamsToQuery(parseTrialSearchParams({})).toString()).toBe("");
    expect(trialFilterQuery(p).toString()).toBe("status=running&valueMax=3");
  });

  it("writes the keys in the order the sweep page's URLs have always had", () => {
    const p = parseTrialSearchParams({ trial: "t1", cursor: "c", valueMax: "2", valueMin: "1", limit: "100", order: "desc", sort: "metric", status: "queued" });
    expect(trialSearchParamsToQuery(p).toString()).toBe("status=queued&sort=metric&order=desc&limit=100&valueMin=1&valueMax=2&cursor=c&trial=t1");
  });
});
