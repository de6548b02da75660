import { describe, expect, it } from "vitest";
import { clientIp, isLocalRequest, isLoopbackAddress, readCookie, safeNextPath, serializeCookie } from "./request";

const req = (h: Record<string, string>) => ({ headers: new Headers(h) });

describe("request helpers", () => {
  it("reads cookies", () => {
    expect(readCookie(req({ cookie: "a=1; sw_session=sws_x%2By; b=2" }), "sw_session")).toBe("sws_x+y");
    expect(readCookie(req({ cookie: "xsw_session=1" }), "sw_session")).toBeUndefined();
    expect(readCookie(req({}), "sw_session")).toBeUndefined();
  });

  it("serializes cookies with the security attributes", () => {
    const c = serializeCookie("sw_session", "v", { httpOnly: true, secure: true, maxAgeSeconds: 60 });
    expect(c).toBe("sw_session=v; Path=/; SameSite=Lax; Max-Age=60; HttpOnly; Secure");
    expect(serializeCookie("sw_csrf", "v", { httpOnly: false, secure: false })).not.toMatch(/HttpOnly|Secure/);
  });

  it("treats only loopback hosts from loopback addresses as local", () => {
    expect(isLocalRequest(req({ host: "localhost:3000", "x-forwarded-for": "127.0.0.1" }))).toBe(true);
    expect(isLocalRequest(req({ host: "127.0.0.1:3000", "x-forwarded-for": "::ffff:127.0.0.1" }))).toBe(true);
    expect(isLocalRequest(req({ host: "[::1]:3000", "x-forwarded-for": "::1" }))).toBe(true);
    expect(isLocalRequest(req({ host: "localhost:3000", "x-forwarded-for": "203.0.113.9" }))).toBe(false);
    expect(isLocalRequest(req({ host: "localhost:3000", "x-forwarded-for": "127.0.0.1, 203.0.113.9" }))).toBe(false);
    expect(isLocalRequest(req({ host: "sweepwatch.example.com", "x-forwarded-for": "127.0.0.1" }))).toBe(false);
    expect(isLocalRequest(req({ host: "192.168.1.5:3000", "x-forwarded-for": "127.0.0.1" }))).toBe(false);
    expect(isLocalRequest(req({ host: "localhost.evil.com", "x-forwarded-for": "127.0.0.1" }))).toBe(false);
    expect(isLocalRequest(req({ "x-forwarded-for": "127.0.0.1" }))).toBe(false);
    expect(isLocalRequest(req({ host: "localhost", forwarded: "for=203.0.113.9" }))).toBe(false);
  });

  it("recognises loopback addresses", () => {
    expect(isLoopbackAddress("127.0.0.1")).toBe(true);
    expect(isLoopbackAddress("127.9.9.9")).toBe(true);
    expect(isLoopbackAddress("::1")).toBe(true);
    expect(isLoopbackAddress("::ffff:127.0.0.1")).toBe(true);
    expect(isLoopbackAddress("128.0.0.1")).toBe(false);
    expect(isLoopbackAddress("10.0.0.1")).toBe(false);
  });

  it("takes the first forwarded address as the client", () => {
    expect(clientIp(req({ "x-forwarded-for": "203.0.113.9, 10.0.0.1" }))).toBe("203.0.113.9");
    expect(clientIp(req({}))).toBeNull();
  });

  it("only follows same-site relative next paths", () => {
    expect(safeNextPath("/sweeps?x=1")).toBe("/sweeps?x=1");
    expect(safeNextPath("//evil.com")).toBe("/");
    expect(safeNextPath("/\\evil.com")).toBe("/");
    expect(safeNextPath("https://evil.com")).toBe("/");
    expect(safeNextPath(null)).toBe("/");
  });
});
