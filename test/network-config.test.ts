import { describe, expect, it } from "vitest";
import { networkConfig, NetworkConfigError, parseTrustProxy } from "../scripts/network-config";

describe("TRUST_PROXY", () => {
  it("reads a number as the count of proxies in front, not as an address", () => {
    expect(parseTrustProxy("1")).toBe(1);
    expect(parseTrustProxy(" 2 ")).toBe(2);
  });

  it("reads names, addresses and ranges as a list", () => {
    expect(parseTrustProxy("loopback")).toEqual(["loopback"]);
    expect(parseTrustProxy("Loopback, 10.0.0.5, 192.168.0.0/16, ::1, fd00::/8")).toEqual(["loopback", "10.0.0.5", "192.168.0.0/16", "::1", "fd00::/8"]);
  });

  it("is off when unset, empty, 0 or false", () => {
    for (const v of [undefined, "", "0", "false"]) expect(parseTrustProxy(v)).toBe(false);
  });

  it("refuses to trust everybody, and anything it cannot read, with the reason", () => {
    for (const v of ["true", "*", "all"]) expect(() => parseTrustProxy(v)).toThrow(/誰でも接続元アドレス/);
    for (const v of ["one", "10.0.0.0/40", "10.0.0.1/8/2", "300.1.1.1", "1.5", "99"]) expect(() => parseTrustProxy(v)).toThrow(NetworkConfigError);
  });
});

describe("the origins forms are accepted from", () => {
  it("are this machine's loopback names on the port when nothing is configured", () => {
    expect(networkConfig({}, 3000)).toEqual({
      trustProxy: false,
      origins: ["http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000"],
      warnings: [],
    });
  });

  it("are PUBLIC_ORIGIN and ALLOWED_ORIGINS when configured, normalised as browsers send them", () => {
    const c = networkConfig({ PUBLIC_ORIGIN: "HTTPS://Kasuhara.Example.co.jp:443/", ALLOWED_ORIGINS: "https://alt.example.co.jp, http://10.0.0.7:3000" }, 3000);
    expect(c.origins).toEqual(["https://kasuhara.example.co.jp", "https://alt.example.co.jp", "http://10.0.0.7:3000"]);
    expect(c.warnings).toHaveLength(1); // https without TRUST_PROXY
    expect(networkConfig({ PUBLIC_ORIGIN: "https://k.example", TRUST_PROXY: "1" }, 3000)).toMatchObject({ trustProxy: 1, warnings: [] });
  });

  it("refuses an origin with a path, query or credentials, or that is not a URL", () => {
    for (const v of ["kasuhara.example.co.jp", "https://k.example/app", "https://k.example/?a=1", "https://u:p@k.example", "ftp://k.example"]) {
      expect(() => networkConfig({ PUBLIC_ORIGIN: v }, 3000)).toThrow(NetworkConfigError);
    }
    expect(() => networkConfig({ ALLOWED_ORIGINS: "https://ok.example, nonsense" }, 3000)).toThrow(/ALLOWED_ORIGINS/);
  });

  it("warns when a proxy is trusted but the public origin is not said", () => {
    expect(networkConfig({ TRUST_PROXY: "loopback" }, 3000).warnings[0]).toMatch(/PUBLIC_ORIGIN/);
  });
});
