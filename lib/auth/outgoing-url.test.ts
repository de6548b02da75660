import { describe, expect, it } from "vitest";
import { checkOutgoingUrl, internalAddressKind } from "./outgoing-url";

const resolveTo = (addrs: string[]) => async () => addrs;

describe("checkOutgoingUrl", () => {
  it.each([
    "http://127.0.0.1/hook",
    "http://127.1.2.3:8080/",
    "http://localhost:3000/api",
    "http://foo.localhost/",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://172.31.255.255/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://[fd00:ec2::254]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://168.63.129.16/",
  ])("refuses internal target %s", async (url) => {
    const r = await checkOutgoingUrl(url, { resolve: resolveTo(["93.184.216.34"]) });
    expect(r.ok).toBe(false);
  });

  it("refuses a public name that resolves to an internal address (any of them)", async () => {
    const r = await checkOutgoingUrl("https://hooks.example.com/x", { resolve: resolveTo(["93.184.216.34", "10.0.0.5"]) });
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/internal address \(private\)/) });
  });

  it("accepts public https targets", async () => {
    const r = await checkOutgoingUrl("https://hooks.slack.com/services/T/B/X", { resolve: resolveTo(["34.200.1.1", "2600:1f18::1"]) });
    expect(r.ok).toBe(true);
  });

  it("refuses other schemes, credentials and junk", async () => {
    for (const u of ["file:///etc/passwd", "gopher://x/", "ftp://example.com/", "https://user:pw@example.com/", "not a url", "javascript:alert(1)"]) {
      expect((await checkOutgoingUrl(u, { resolve: resolveTo(["93.184.216.34"]) })).ok).toBe(false);
    }
  });

  it("refuses names that do not resolve", async () => {
    const r = await checkOutgoingUrl("https://nope.invalid/", { resolve: async () => { throw new Error("ENOTFOUND"); } });
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/could not be resolved/) });
  });

  it("lets an admin allow internal targets explicitly", async () => {
    expect((await checkOutgoingUrl("http://10.0.0.7:9000/hook", { allowInternal: true })).ok).toBe(true);
    expect((await checkOutgoingUrl("file:///etc/passwd", { allowInternal: true })).ok).toBe(false);
  });

  it("classifies addresses", () => {
    expect(internalAddressKind("8.8.8.8")).toBeNull();
    expect(internalAddressKind("2001:4860:4860::8888")).toBeNull();
    expect(internalAddressKind("172.15.255.255")).toBeNull();
    expect(internalAddressKind("172.32.0.0")).toBeNull();
    expect(internalAddressKind("127.0.0.1")).toBe("loopback");
    expect(internalAddressKind("::")).toBe("unspecified");
  });
});
