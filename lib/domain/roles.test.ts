import { describe, expect, it } from "vitest";
import { accessSatisfied, describeAccess, ROLES, roleSatisfies, rolesAllowed } from "./roles";

describe("role lattice", () => {
  it("admin satisfies everything; viewer only viewer", () => {
    for (const r of ROLES) expect(roleSatisfies("admin", r)).toBe(true);
    expect(roleSatisfies("viewer", "viewer")).toBe(true);
    expect(roleSatisfies("viewer", "engineer")).toBe(false);
    expect(roleSatisfies("viewer", "oncall")).toBe(false);
    expect(roleSatisfies("viewer", "admin")).toBe(false);
  });

  it("engineer and oncall are siblings above viewer", () => {
    expect(roleSatisfies("engineer", "viewer")).toBe(true);
    expect(roleSatisfies("oncall", "viewer")).toBe(true);
    expect(roleSatisfies("engineer", "oncall")).toBe(false);
    expect(roleSatisfies("oncall", "engineer")).toBe(false);
    expect(roleSatisfies("engineer", "admin")).toBe(false);
    expect(roleSatisfies("oncall", "admin")).toBe(false);
  });

  it("no role satisfies nothing", () => {
    expect(roleSatisfies(null, "viewer")).toBe(false);
    expect(roleSatisfies(undefined, "viewer")).toBe(false);
  });

  it("lists the roles a route admits", () => {
    expect(rolesAllowed("viewer")).toEqual(["viewer", "engineer", "oncall", "admin"]);
    expect(rolesAllowed("engineer")).toEqual(["engineer", "admin"]);
    expect(rolesAllowed("oncall")).toEqual(["oncall", "admin"]);
    expect(rolesAllowed("admin")).toEqual(["admin"]);
    expect(rolesAllowed("public")).toEqual([]);
  });
});

describe("role lists in route rules", () => {
  it("admit any listed role, and admin", () => {
    const rule = ["engineer", "oncall"] as const;
    expect(accessSatisfied("viewer", rule)).toBe(false);
    expect(accessSatisfied("engineer", rule)).toBe(true);
    expect(accessSatisfied("oncall", rule)).toBe(true);
    expect(accessSatisfied("admin", rule)).toBe(true);
    expect(accessSatisfied(null, rule)).toBe(false);
    expect(rolesAllowed(rule)).toEqual(["engineer", "oncall", "admin"]);
    expect(describeAccess(rule)).toBe("one of the roles engineer, oncall");
  });
});
