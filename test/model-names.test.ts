/** lib/model/names.ts: the RFC 1123 / RFC 1035 names DNS and Kubernetes accept. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isRfc1035Label, isRfc1123Label, isRfc1123Subdomain } from "../lib/model/names.js";

const a63 = "a".repeat(63);

describe("RFC 1123 labels", () => {
  it("accepts lowercase letters, digits and inner dashes, up to 63 characters", () => {
    for (const ok of ["a", "0", "node1", "1node", "k3s-server", "a-b-c", a63]) {
      expect(isRfc1123Label(ok), ok).toBe(true);
    }
  });
  it("rejects upper case, other characters, outer dashes, dots and more than 63 characters", () => {
    for (const bad of ["", "Node", "node_1", "-a", "a-", "a.b", "a b", `${a63}a`]) {
      expect(isRfc1123Label(bad), bad).toBe(false);
    }
  });
  it("takes another length limit for names that only borrow the shape", () => {
    expect(isRfc1123Label(`${a63}a`, Infinity)).toBe(true);
    expect(isRfc1123Label("abcd", 3)).toBe(false);
    expect(isRfc1123Label("-a", Infinity)).toBe(false);
  });
});

describe("RFC 1035 labels", () => {
  it("are RFC 1123 labels that start with a letter", () => {
    for (const ok of ["a", "web", "pg-rw", a63]) expect(isRfc1035Label(ok), ok).toBe(true);
    for (const bad of ["", "1web", "0", "-a", "a-", "Web", "a.b", `${a63}a`]) {
      expect(isRfc1035Label(bad), bad).toBe(false);
    }
  });
  it("every RFC 1035 label is an RFC 1123 label", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9-]{0,70}$/), (s) => {
        if (isRfc1035Label(s)) expect(isRfc1123Label(s)).toBe(true);
      }),
    );
  });
});

describe("RFC 1123 subdomains", () => {
  it("are labels joined by dots, at most 253 characters", () => {
    const longest = `${a63}.${a63}.${a63}.${"a".repeat(61)}`; // 253 characters
    for (const ok of ["a", "home.example.com", "wireguard-server-key", "1.2.3", longest]) {
      expect(isRfc1123Subdomain(ok), ok).toBe(true);
    }
    const bads = ["", ".", "a.", ".a", "a..b", "a.-b", "a-.b", "A.b", "a_b.c", `${a63}a.b`, `${longest}a`];
    for (const bad of bads) {
      expect(isRfc1123Subdomain(bad), bad).toBe(false);
    }
  });
});
