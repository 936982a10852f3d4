/** kubernetes.dns: the DNS zone the lab's names are published in (default: the domain), and its validation. */
import { describe, expect, it } from "vitest";
import { isInZone } from "../lib/model/dns.js";
import { Homelab, type HomelabSpec } from "../lib/model/index.js";
import { homelab } from "./fixtures/lab/homelab.js";

function spec(dns: unknown, domain = "home.example.com"): HomelabSpec {
  const s = structuredClone(homelab) as any;
  s.network.domain = domain;
  if (dns === undefined) delete s.kubernetes.dns;
  else s.kubernetes.dns = dns;
  return s;
}

function problems(s: HomelabSpec): string[] {
  return Homelab.validate(s).problems.map((p) => `${p.path.join(".")}: ${p.message}`);
}

describe("kubernetes.dns", () => {
  it("defaults to the domain as zone, records published", () => {
    expect(Homelab.create(spec(undefined)).kubernetes.dns).toEqual({ zone: "home.example.com", publish: true });
  });

  it("takes a parent zone of the domain (the usual Cloudflare case) or the domain itself", () => {
    expect(Homelab.create(spec({ zone: "example.com" })).kubernetes.dns.zone).toBe("example.com");
    expect(Homelab.create(spec({ zone: "home.example.com", publish: false })).kubernetes.dns).toEqual({
      zone: "home.example.com",
      publish: false,
    });
  });

  it("refuses a zone that does not hold the domain, naming both and a zone that would", () => {
    const found = Homelab.validate(spec({ zone: "example.org" })).problems;
    expect(found).toHaveLength(1);
    expect(found[0]!.path).toEqual(["kubernetes", "dns", "zone"]);
    expect(found[0]!.message).toBe('the domain "home.example.com" (network.domain) is not in the zone "example.org"');
    expect(found[0]!.fix).toContain('"example.com"');
    // A zone that only ends like the domain's parent is not its parent.
    expect(problems(spec({ zone: "ple.com" }))).toEqual([
      'kubernetes.dns.zone: the domain "home.example.com" (network.domain) is not in the zone "ple.com"',
    ]);
  });

  it("refuses a zone that is no DNS name, a non-boolean publish and unknown fields, all at once", () => {
    expect(problems(spec({ zone: "com", publish: "yes", provider: "cloudflare" })).sort()).toEqual([
      "kubernetes.dns.provider: is not a field of the DNS options",
      'kubernetes.dns.publish: must be true or false, got "yes"',
      'kubernetes.dns.zone: "com" is not a DNS zone',
    ]);
    expect(problems(spec("example.com"))).toEqual([
      'kubernetes.dns: must be the DNS options (an object), got "example.com"',
    ]);
  });

  it("isInZone: the zone itself and names under it, nothing else", () => {
    expect(isInZone("example.com", "example.com")).toBe(true);
    expect(isInZone("cloud.home.example.com", "example.com")).toBe(true);
    expect(isInZone("badexample.com", "example.com")).toBe(false);
    expect(isInZone("example.com.evil.org", "example.com")).toBe(false);
  });
});
