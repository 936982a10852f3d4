import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { homelab as example } from "./fixtures/lab/homelab.js";
import { Homelab } from "../lib/model/index.js";
import { TempProject, repo } from "./helpers/project.js";

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
  h.hosts.forEach((host) => add(host.address.toString()));
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

function distFiles(root: string): [string, string][] {
  const dist = path.join(root, "dist");
  return fs
    .readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const abs = path.join(e.parentPath, e.name);
      return [path.relative(root, abs), fs.readFileSync(abs, "utf8")] as [string, string];
    });
}

describe("one source of truth", () => {
  it("every address in dist/ comes from the model (loopback aside)", () => {
    const known = modelAddresses(Homelab.create(example));
    const stray: string[] = [];
    for (const [file, text] of distFiles(repo)) {
      for (const ip of text.match(IPV4) ?? []) if (!known.has(ip) && ip !== "127.0.0.1") stray.push(`${file}: ${ip}`);
    }
    expect(stray).toEqual([]);
  });

  it("the reservations, the pool and the domain in dist/ are the model's", () => {
    const h = Homelab.create(example);
    const all = distFiles(repo).map(([, t]) => t).join("\n");
    for (const name of ["wireguard", "ingress", "pihole"]) expect(all).toContain(`metallb.io/loadBalancerIPs: "${h.loadBalancerIp(name).toString()}"`);
    expect(all).toContain(`- ${h.metallbPool[0]!.toString()}`);
    for (const host of all.match(/host: \S+/g) ?? []) expect(host.endsWith(`.${h.domain}`) || host === `host: ${h.domain}`, host).toBe(true);
  });

  const projects: TempProject[] = [];
  afterAll(() => projects.forEach((p) => p.remove()));

  it("changing one reservation in apps/ changes it in dist/ and nix/vars.nix, and nowhere else is the old one left", () => {
    const p = new TempProject("single-source-");
    projects.push(p);
    expect(p.synth().status).toBe(0);
    const before = p.snapshot();
    p.edit("apps/homelab.ts", (t) => t.replace('wireguard: "192.168.1.201"', 'wireguard: "192.168.1.215"'));
    const r = p.synth();
    expect(r.status, r.stderr).toBe(0);
    const after = p.snapshot();
    const changed = Object.keys(after).filter((f) => after[f] !== before[f]).sort();
    expect(changed).toEqual(["dist/apps/wireguard.yaml", "nix/vars.nix"]);
    expect(after["nix/vars.nix"]).toContain('wireguardIp = "192.168.1.215";');
    expect(after["dist/apps/wireguard.yaml"]).toContain('metallb.io/loadBalancerIPs: "192.168.1.215"');
    expect(Object.values(after).join("\n")).not.toContain("192.168.1.201");
  });
});
