import { describe, expect, it } from "vitest";
import { matchEndpoint } from "./endpoint-match";

const EPS = [
  { id: "demo-randomdevice", name: "demo-randomdevice", displayName: "tf-sweep (random_device crash loop)" },
  { id: "demo-rollout", name: "demo-rollout", displayName: "tf-sweep-canary" },
  { id: "abc123", name: "trainer", displayName: null },
];

describe("matchEndpoint", () => {
  it("takes an exact id or name, then a unique prefix, then a unique substring", () => {
    expect(matchEndpoint("abc123", EPS)).toEqual({ kind: "one", id: "abc123" });
    expect(matchEndpoint("Trainer", EPS)).toEqual({ kind: "one", id: "abc123" });
    expect(matchEndpoint("demo-ro", EPS)).toEqual({ kind: "one", id: "demo-rollout" });
    expect(matchEndpoint("canary", EPS)).toEqual({ kind: "one", id: "demo-rollout" });
  });
  it("says when the text is ambiguous or matches nothing", () => {
    expect(matchEndpoint("demo", EPS)).toEqual({ kind: "many", ids: ["demo-randomdevice", "demo-rollout"] });
    expect(matchEndpoint("nope", EPS)).toEqual({ kind: "none" });
    expect(matchEndpoint("  ", EPS)).toEqual({ kind: "none" });
  });
});
