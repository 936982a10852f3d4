/**
 * One source of truth: every address, reservation and domain in a fresh render of the fixture
 * lab's dist/ comes from its model. (test/e2e/single-source.test.ts changes one through synth.)
 */
import { describe, expect, it } from "vitest";
import { homelab as example } from "./fixtures/lab/homelab.js";
import { Homelab } from "../lib/model/index.js";
import { renderLab } from "./helpers/lab.js";
import { NON_PUBLIC_BLOCKS } from "../lib/k8s/network-peer.js";

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?\b/g;

/** Every address the model holds, as written in manifests (plain, or as a CIDR). */
function modelAddresses(h: Homelab): Set<string> {
  const out = new Set<string>();
  const add = (s: string) => out.add(s);
  add(h.lan.toString());
  add(h.gateway.toString());
  h.upstreamDns.forEach((ip) => add(ip.toString()));
  for (const r of h.metallbPool) {
    add(r.first.toString());
    add(r.last.toString());
  }
  h.loadBalancerIps.forEach((ip) => add(ip.toString()));
  h.hosts.forEach((host) => {
    if (host.address === undefined) return;
    add(host.address.toString());
    // NetworkPolicy ipBlocks: one address as a /32 (the API server's nodes).
    add(`${host.address.toString()}/32`);
  });
  // ... and the upstream resolvers.
  h.upstreamDns.forEach((ip) => add(`${ip.toString()}/32`));
  add(h.k3s.clusterCidr.toString());
  add(h.k3s.serviceCidr.toString());
  if (h.vpn !== undefined) {
    add(h.vpn.subnet.toString());
    add(`${h.vpn.serverAddress.toString()}/${h.vpn.subnet.prefix}`);
    add(h.vpn.serverAddress.toString());
    for (const u of h.vpn.users) {
      add(u.address.toString());
      u.allowedIps.forEach((c) => add(c.toString()));
    }
  }
  return out;
}

/** The dist/ files of a fresh in-memory render of the fixture lab. */
function distFiles(): [string, string][] {
  return [...renderLab()].filter(([p]) => p.startsWith("dist/"));
}

describe("one source of truth", () => {
  it("every address in dist/ comes from the model (loopback aside)", () => {
    const known = modelAddresses(Homelab.create(example));
    // The library's own blocks, the same in every lab: "anywhere" and what "the internet" excepts.
    for (const block of ["0.0.0.0/0", ...NON_PUBLIC_BLOCKS]) known.add(block);
    const stray: string[] = [];
    expect(distFiles().length).toBeGreaterThan(10);
    for (const [file, text] of distFiles()) {
      for (const ip of text.match(IPV4) ?? []) if (!known.has(ip) && ip !== "127.0.0.1") stray.push(`${file}: ${ip}`);
    }
    expect(stray).toEqual([]);
  });

  it("the reservations, the pool and the domain in dist/ are the model's", () => {
    const h = Homelab.create(example);
    const all = distFiles()
      .map(([, t]) => t)
      .join("\n");
    for (const name of ["wireguard", "ingress", "pihole"])
      expect(all).toContain(`metallb.io/loadBalancerIPs: "${h.loadBalancerIp(name).toString()}"`);
    expect(all).toContain(`- ${h.metallbPool[0]!.toString()}`);
    expect(all.match(/host: \S+/g)?.length).toBeGreaterThan(0);
    for (const host of all.match(/host: \S+/g) ?? [])
      expect(host.endsWith(`.${h.domain}`) || host === `host: ${h.domain}`, host).toBe(true);
  });
});
