/**
 * Every host of the example lab and of the test fixtures, evaluated the way its flake would build it: the README's
 * flake excerpt (taken from README.md verbatim), the generated nix/ and the role modules of nix/roles, through
 * `lib.evalModules` with the real NixOS option declarations in ../shared/nixos (`_module.check` on, so an option
 * that does not exist or a value of the wrong type fails). test/fixtures/nixos/eval.nix says which options are
 * upstream and which are our stand-ins.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Homelab, type HomelabSpec } from "../lib/model/index.js";
import { emitNix } from "../lib/nix/emit.js";
import { thinkcentreSpec } from "./fixtures/diffgraph-labs.js";
import { homelab as fixtureLab } from "./fixtures/lab/homelab.js";
import { odroidDhcpLab } from "./fixtures/odroid-dhcp-lab.js";
import { odroidLab } from "./fixtures/odroid-lab.js";
import { homelab as otherLab } from "./fixtures/other-lab/homelab.js";
import { smallSpec } from "./fixtures/small-lab.js";
import { twoNodeLab } from "./fixtures/two-node-lab.js";
import { NixRunError, runNixInstantiate, shouldRunNixTests, withTempDir } from "./helpers/nix.js";
import { sharedAvailable, sharedDir } from "./helpers/shared.js";

const repo = path.resolve(import.meta.dirname, "..");
const evalNix = path.join(repo, "test/fixtures/nixos/eval.nix");
/** rancher/default.nix at the stored commit warns this for every agent (a reversed condition upstream). */
const UPSTREAM_QUIRK = "k3s: agentToken and agentToken should not be set if role is 'agent'";

/** The README's flake excerpt: the first nix block of the section "How a flake consumes `nix/`". */
function flakeExcerpt(readme: string): string {
  const section = readme.indexOf("### How a flake consumes `nix/`");
  if (section < 0) throw new Error("README.md has no section 'How a flake consumes `nix/`'");
  const match = /```nix\n([\s\S]*?)```/.exec(readme.slice(section));
  if (match === null) throw new Error("the README's flake section has no ```nix block");
  return match[1]!;
}

interface HostReport {
  system: string;
  firewall: {
    enable: boolean;
    allowedTCPPorts: number[];
    allowedTCPPortRanges: { from: number; to: number }[];
    allowedUDPPorts: number[];
    allowedUDPPortRanges: { from: number; to: number }[];
    trustedInterfaces: string[];
  };
  k3s: {
    enable: boolean;
    role: string;
    serverAddr: string;
    clusterInit: boolean;
    tokenFile: string | null;
    extraFlags: string[];
  };
  sopsSecrets: Record<string, { path: string; restartUnits: string[] }>;
  openiscsi: { enable: boolean; name: string | null };
  packages: string[];
  tmpfiles: string[];
  fileSystems: Record<string, { device: string; fsType: string }>;
  networking: {
    hostName: string;
    useDHCP: boolean;
    usePredictableInterfaceNames: boolean;
    defaultGateway: { address: string; interface: string | null } | null;
    interfaces: Record<string, { useDHCP: boolean | null; ipv4Addresses: { address: string; prefixLength: number }[] }>;
  };
  failedAssertions: string[];
  warnings: string[];
}

interface Evaluated {
  vars: any;
  hosts: Record<string, HostReport>;
}

/** Writes a project (README's flake, `nix` files, the role modules of nix/roles) and evaluates all its hosts. */
function evaluate(
  nixFiles: ReadonlyMap<string, string>,
  roles: ReadonlyMap<string, string> = roleModules(),
): Evaluated {
  return withTempDir((dir) => {
    fs.writeFileSync(path.join(dir, "flake.nix"), flakeExcerpt(fs.readFileSync(path.join(repo, "README.md"), "utf8")));
    for (const [file, text] of [...nixFiles, ...[...roles].map(([f, t]) => [`nix/roles/${f}`, t] as const)]) {
      fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const out = runNixInstantiate([
      "--eval",
      "--strict",
      "--json",
      evalNix,
      "--arg",
      "nixos",
      path.join(sharedDir, "nixos"),
      "--arg",
      "project",
      dir,
    ]);
    return JSON.parse(out) as Evaluated;
  });
}

/** The example role modules, file name -> text. */
function roleModules(): Map<string, string> {
  const dir = path.join(repo, "nix/roles");
  return new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));
}

/** The committed nix/ of the example lab (vars.nix and hosts/), path -> text. */
function exampleNix(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(repo, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else files.set(p, fs.readFileSync(path.join(repo, p), "utf8"));
    }
  };
  walk("nix/hosts");
  files.set("nix/vars.nix", fs.readFileSync(path.join(repo, "nix/vars.nix"), "utf8"));
  return files;
}

function fixtureNix(spec: HomelabSpec): Map<string, string> {
  return emitNix(Homelab.create(spec), { source: "test/fixtures" });
}

/**
 * What every host must be, stated from vars.nix (the model's facts) against what NixOS made of the role modules.
 */
function expectHostsServed(evaluated: Evaluated): void {
  const { vars, hosts } = evaluated;
  expect(Object.keys(hosts).sort()).toEqual(Object.keys(vars.nodes).sort());
  for (const [name, h] of Object.entries(hosts)) {
    const node = vars.nodes[name];
    const where = `host ${name}`;
    expect(h.system, where).toBe(node.system);
    // The firewall: exactly the model's ports, each once (no second merge of node.firewall).
    expect(h.firewall, where).toMatchObject({ enable: true, ...node.firewall });
    // The static address on the model's interface, without DHCP.
    expect(h.networking.hostName, where).toBe(name);
    expect(h.networking.useDHCP, where).toBe(false);
    expect(h.networking.usePredictableInterfaceNames, where).toBe(node.predictableInterfaceNames);
    expect(h.networking.interfaces, where).toEqual({
      [node.interface]: {
        useDHCP: false,
        ipv4Addresses: [{ address: node.address, prefixLength: vars.lan.prefixLength }],
      },
    });
    expect(h.networking.defaultGateway, where).toMatchObject({ address: vars.lan.gateway, interface: node.interface });
    // k3s: role, server address, cluster-init and flags.
    const server = vars.k3s?.servers.includes(name) === true;
    const agent = vars.k3s?.agents.includes(name) === true;
    expect(h.k3s.enable, where).toBe(server || agent);
    if (server || agent) {
      expect(h.k3s.role, where).toBe(server ? "server" : "agent");
      expect(h.k3s.clusterInit, where).toBe(name === vars.k3s.clusterInit);
      expect(h.k3s.serverAddr, where).toBe(name === vars.k3s.clusterInit ? "" : vars.k3s.serverAddr);
      expect(h.k3s.extraFlags, where).toContain(`--node-ip=${node.address}`);
      const backendFlag = `--flannel-backend=${vars.k3s.flannelBackend}`;
      if (server) {
        expect(h.k3s.extraFlags.slice(0, 3), where).toEqual([
          backendFlag,
          `--cluster-cidr=${vars.k3s.clusterCidr}`,
          `--service-cidr=${vars.k3s.serviceCidr}`,
        ]);
      } else expect(h.k3s.extraFlags, where).not.toContain(backendFlag);
      // The join token from sops-nix.
      expect(h.sopsSecrets, where).toEqual({
        [vars.k3s.tokenSecret]: { path: `/run/secrets/${vars.k3s.tokenSecret}`, restartUnits: ["k3s.service"] },
      });
      expect(h.k3s.tokenFile, where).toBe(`/run/secrets/${vars.k3s.tokenSecret}`);
      expect(h.firewall.trustedInterfaces, where).toEqual(
        expect.arrayContaining(["cni0", vars.k3s.flannelBackend === "vxlan" ? "flannel.1" : "flannel-wg"]),
      );
    }
    // Longhorn's prerequisites on every k3s node of a lab with Longhorn, servers included.
    if (node.longhorn !== null) {
      expect(h.openiscsi, where).toEqual({ enable: true, name: node.longhorn.iscsiInitiatorName });
      expect(h.packages, where).toEqual(expect.arrayContaining(["openiscsi", "nfs-utils"]));
      expect(h.tmpfiles, where).toContain("L+ /usr/local/bin - - - - /run/current-system/sw/bin/");
    } else {
      expect(h.openiscsi.enable, where).toBe(false);
      expect(h.packages, where).not.toContain("nfs-utils");
    }
    const disk = node.disk?.longhorn ?? null;
    expect(h.fileSystems, where).toEqual(
      disk === null ? {} : { [disk.mountPoint]: { device: disk.device, fsType: "ext4" } },
    );
    expect(h.failedAssertions, where).toEqual([]);
    expect(
      h.warnings.filter((w) => w !== UPSTREAM_QUIRK),
      where,
    ).toEqual([]);
  }
  // iSCSI initiator names are unique.
  const names = Object.values(hosts)
    .map((h) => h.openiscsi.name)
    .filter((n) => n !== null);
  expect(new Set(names).size).toBe(names.length);
}

const run =
  shouldRunNixTests() && sharedAvailable("nixos", "the NixOS evaluation of every host (test/nixos-eval.test.ts)");

describe.skipIf(!run)("every host through the real NixOS option declarations (../shared/nixos)", () => {
  it("takes the flake excerpt from the README", () => {
    const flake = flakeExcerpt(fs.readFileSync(path.join(repo, "README.md"), "utf8"));
    expect(flake).toContain("nixpkgs.lib.nixosSystem");
    expect(flake).toContain("sops-nix.nixosModules.sops");
    // The role modules open node.firewall; a second merge in the flake would list every port twice.
    expect(flake).not.toContain("networking.firewall");
  });

  it("the example lab (its committed nix/)", () => {
    const evaluated = evaluate(exampleNix());
    expectHostsServed(evaluated);
  });

  it.each([
    ["the fixture lab", fixtureLab],
    ["the other fixture lab", otherLab],
    ["the small lab", smallSpec],
    ["the two-node lab", twoNodeLab],
    ["the ThinkCentre lab (two servers)", thinkcentreSpec()],
    ["the Odroid lab (three servers, wireguard-native)", odroidLab],
  ])("%s", (_name, spec) => {
    expectHostsServed(evaluate(fixtureNix(spec)));
  });

  it("one server: no etcd ports, flannel VXLAN's 8472/udp, not 51820/udp", () => {
    const { hosts } = evaluate(fixtureNix(fixtureLab));
    expect(hosts.node1!.firewall.allowedTCPPorts).toEqual([22, 6443, 7946, 9100, 10250]);
    expect(hosts.node1!.firewall.allowedTCPPortRanges).toEqual([]);
    expect(hosts.node1!.firewall.allowedUDPPorts).toEqual([7946, 8472]);
    expect(hosts.node2!.firewall.allowedUDPPorts).toEqual([7946, 8472]);
    expect(hosts.node1!.firewall.trustedInterfaces).toEqual(["cni0", "flannel.1", "lo"]);
    expect(hosts.node1!.k3s.extraFlags).toContain("--flannel-backend=vxlan");
    // The server schedules workloads too: it gets iSCSI as well.
    expect(hosts.node1!.openiscsi).toEqual({ enable: true, name: "iqn.2020-08.com.example.home:node1" });
  });

  it("three servers with wireguard-native: etcd on the servers only, 51820/udp, flannel-wg trusted", () => {
    const { hosts } = evaluate(fixtureNix(odroidLab));
    for (const s of ["node1", "node2", "node3"]) {
      expect(hosts[s]!.k3s.role).toBe("server");
      expect(hosts[s]!.firewall.allowedTCPPortRanges).toEqual([{ from: 2379, to: 2380 }]);
      expect(hosts[s]!.firewall.allowedUDPPorts).toEqual([7946, 51820]);
      expect(hosts[s]!.k3s.extraFlags).toContain("--flannel-backend=wireguard-native");
    }
    expect(hosts.node1!.k3s.clusterInit).toBe(true);
    expect(hosts.node2!.k3s).toMatchObject({ clusterInit: false, serverAddr: "https://10.0.30.11:6443" });
    for (const a of ["node4", "node5", "node6", "node7"]) {
      expect(hosts[a]!.k3s.role).toBe("agent");
      expect(hosts[a]!.firewall.allowedTCPPortRanges).toEqual([]);
      expect(hosts[a]!.firewall.allowedUDPPorts).toEqual([7946, 51820]);
    }
    expect(hosts.node4!.firewall.trustedInterfaces).toEqual(["cni0", "flannel-wg", "lo"]);
    expect(hosts.node1!.networking.interfaces).toEqual({
      end0: { useDHCP: false, ipv4Addresses: [{ address: "10.0.30.11", prefixLength: 24 }] },
    });
    // A server with a data disk mounts it.
    expect(hosts.node1!.fileSystems).toEqual({ "/var/lib/longhorn": { device: "/dev/sda", fsType: "ext4" } });
    expect(hosts.node2!.sopsSecrets["k3s/token"]?.path).toBe("/run/secrets/k3s/token");
  });

  it("the Odroid seed on DHCP: interfaces on DHCP, no --node-ip, every node joins https://node1.local:6443", () => {
    const { vars, hosts } = evaluate(fixtureNix(odroidDhcpLab));
    expect(vars.k3s.serverAddr).toBe("https://node1.local:6443");
    expect(Object.keys(hosts).sort()).toEqual(["node1", "node2", "node3", "node4", "node5", "node6", "node7"]);
    for (const [name, h] of Object.entries(hosts)) {
      expect(h.system, name).toBe("aarch64-linux");
      expect(h.networking.useDHCP, name).toBe(false);
      expect(h.networking.interfaces, name).toEqual({ eth0: { useDHCP: true, ipv4Addresses: [] } });
      expect(h.networking.defaultGateway, name).toBeNull();
      expect(
        h.k3s.extraFlags.some((f) => f.startsWith("--node-ip")),
        name,
      ).toBe(false);
      expect(h.k3s.role, name).toBe(["node1", "node2", "node3"].includes(name) ? "server" : "agent");
      expect(h.k3s.serverAddr, name).toBe(name === "node1" ? "" : "https://node1.local:6443");
      expect(h.failedAssertions, name).toEqual([]);
    }
  });

  it("a lab without Longhorn gets no iSCSI, nfs-utils or PATH link", () => {
    const { hosts } = evaluate(fixtureNix({ ...smallSpec, k3s: { longhorn: false } }));
    for (const h of Object.values(hosts)) {
      expect(h.openiscsi.enable).toBe(false);
      expect(h.tmpfiles).not.toContain("L+ /usr/local/bin - - - - /run/current-system/sw/bin/");
    }
  });

  it("fails on an option NixOS does not have (so _module.check is on)", () => {
    const roles = roleModules();
    roles.set(
      "minimal-node.nix",
      roles.get("minimal-node.nix")!.replace("networking.useDHCP = false;", "networking.useDhcp = false;"),
    );
    let error: unknown;
    try {
      evaluate(fixtureNix(smallSpec), roles);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NixRunError);
    expect((error as NixRunError).stderr).toContain("The option `networking.useDhcp' does not exist");
  });

  it("fails on a value of the wrong type", () => {
    const roles = roleModules();
    roles.set("k3s-agent.nix", roles.get("k3s-agent.nix")!.replace('role = "agent";', 'role = "worker";'));
    expect(() => evaluate(fixtureNix(smallSpec), roles)).toThrow(/services\.k3s\.role/);
  });
});
