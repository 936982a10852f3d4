/**
 * Hosts on DHCP and mDNS (issue 10, part 4): `address` optional with `addressing: "dhcp"`; the k3s server
 * address falls back to the init server's name; the checks that need addresses say what they skipped; vars.nix
 * shows what is known. The Odroid seed (seeds/002) synthesizes whole.
 */
import { describe, expect, it } from "vitest";
import { addInfrastructure } from "../lib/k8s/index.js";
import { Homelab } from "../lib/model/index.js";
import { labVars } from "../lib/nix/emit.js";
import { render } from "../lib/synth/render.js";
import { odroidDhcpLab } from "./fixtures/odroid-dhcp-lab.js";
import { itNix, nixEvalBool, withTempDir } from "./helpers/nix.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const withSpec = (edit: (s: any) => void) => {
  const s = structuredClone(odroidDhcpLab) as any;
  edit(s);
  return s;
};

describe("hosts on DHCP", () => {
  const rendered = render({
    spec: odroidDhcpLab,
    source: "test/fixtures/odroid-dhcp-lab.ts",
    kubernetes: (app) => void addInfrastructure(app, { pihole: false }),
  });

  it("the Odroid seed synthesizes with every check, and says once which address checks it skipped", () => {
    expect(rendered.checks.findings.filter((f) => f.severity === "error")).toEqual([]);
    const skipped = rendered.warnings.filter((w) => w.message.includes("address from DHCP"));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.path).toEqual(["hosts", 0, "address"]);
    expect(skipped[0]!.message).toContain(
      '"node1", "node2", "node3", "node4", "node5", "node6", "node7" take an address',
    );
    expect(skipped[0]!.message).toContain("inside the MetalLB pool were skipped");
  });

  it("the lab page shows a DHCP host by the name it is reached by", () => {
    expect(rendered.files.get("dist/README.md")).toContain("node1.local (DHCP)");
  });

  it("vars.nix (default shape) says what is known: address null, addressing dhcp, the name; agents join by name", () => {
    const vars = labVars(Homelab.create(odroidDhcpLab)) as any;
    expect(vars.k3s.serverAddr).toBe("https://node1.local:6443");
    expect(vars.nodes.node4).toMatchObject({ address: null, addressing: "dhcp", dnsName: "node4.local" });
  });

  it("network.hostNames 'domain' names hosts <hostname>.<domain>", () => {
    const vars = labVars(Homelab.create(withSpec((s) => (s.network.hostNames = "domain")))) as any;
    expect(vars.k3s.serverAddr).toBe("https://node1.odroid.example.net:6443");
    expect(vars.nodes.node2.dnsName).toBe("node2.odroid.example.net");
  });

  it("a DHCP host with a known lease keeps it in vars.nix and in the address checks; agents still join by name", () => {
    const lab = Homelab.create(withSpec((s) => (s.hosts[0].address = "192.168.1.21")));
    const vars = labVars(lab) as any;
    expect(vars.nodes.node1).toMatchObject({ address: "192.168.1.21", addressing: "dhcp" });
    expect(vars.k3s.serverAddr).toBe("https://node1.local:6443");
    const { problems } = Homelab.validate(withSpec((s) => (s.hosts[0].address = "192.168.1.240")));
    expect(problems.filter((p) => p.level === "error").map((p) => p.message)).toEqual([
      '192.168.1.240 is already the load-balancer IP "ingress" (network.loadBalancerIps.ingress)',
    ]);
  });

  it("the nixlab preset leaves an unknown address out instead of writing null", () => {
    const vars = labVars(Homelab.create(withSpec((s) => (s.nix = { vars: "nixlab" })))) as any;
    expect(vars.nodes.node3).toEqual({
      hostname: "node3",
      master: false,
      tags: ["odroid-c4"],
      disk: "/dev/mmcblk0",
      espSize: "256M",
    });
  });

  it("a static host (the default) must have an address, and the error says how to choose DHCP", () => {
    const { problems } = Homelab.validate(withSpec((s) => delete s.hosts[2].addressing));
    expect(problems.filter((p) => p.level === "error").map((p) => [p.path.join("."), p.message, p.fix])).toEqual([
      [
        "hosts.2.address",
        'is missing: a host has a static LAN address unless it says addressing: "dhcp"',
        'Give the host\'s address, or addressing: "dhcp" for a host that gets one from DHCP and is reached by name ' +
          "(network.hostNames says how).",
      ],
    ]);
  });

  itNix("its vars.nix and host files evaluate in the real Nix", () => {
    withTempDir((dir) => {
      writeFileSync(join(dir, "vars.nix"), rendered.files.get("nix/vars.nix")!);
      const expr = `let v = import ./vars.nix; in
        v.k3s.serverAddr == "https://node1.local:6443"
        && v.nodes.node7.address == null && v.nodes.node7.dnsName == "node7.local"
        && builtins.length v.k3s.servers == 3 && builtins.length v.k3s.agents == 4`;
      writeFileSync(join(dir, "check.nix"), expr);
      expect(nixEvalBool({ file: join(dir, "check.nix") })).toBe(true);
    });
  });
});
