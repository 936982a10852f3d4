import { describe, expect, it } from "vitest";
import { homelab as example } from "./fixtures/lab/homelab.js";
import { Homelab, HomelabValidationError, rolePresets, type HomelabSpec, type Problem } from "../lib/model/index.js";
import { formatPath } from "../lib/model/problems.js";

/** A deep copy of the fixture lab, changed by `edit`. */
function lab(edit: (spec: any) => void): HomelabSpec {
  const spec = structuredClone(example) as any;
  edit(spec);
  return spec;
}

function problems(spec: unknown): Problem[] {
  return [...Homelab.validate(spec).problems];
}

/** The single problem at `path` (asserts there is exactly one). */
function at(spec: unknown, path: string, level: "error" | "warning" = "error"): Problem {
  const found = problems(spec).filter((p) => formatPath(p.path) === path && p.level === level);
  expect(found, `problems at ${path}: ${JSON.stringify(problems(spec), null, 1)}`).toHaveLength(1);
  return found[0]!;
}

describe("the fixture lab", () => {
  it("is valid, with no warnings", () => {
    expect(problems(example)).toEqual([]);
  });

  it("derives what it can from the model", () => {
    const h = Homelab.create(example);
    expect(h.clusterInitServer?.hostname).toBe("node1");
    expect(h.host("node1")!.roles.map((r) => r.name)).toEqual(["minimal-node", "cluster-tools", "k3s-server"]);
    expect(h.loadBalancerIp("wireguard").toString()).toBe("192.168.1.201");
    expect(h.fqdn("cloud")).toBe("cloud.home.example.com");
    expect(h.vpn!.serverAddress.toString()).toBe("10.8.0.1");
    expect(h.vpn!.users[0]!.allowedIps.map(String)).toEqual(["10.8.0.2/32"]);
    // One server: no etcd peers (no 2379-2380); flannel's default VXLAN backend: 8472/udp, not 51820/udp.
    expect(h.host("node1")!.firewall.allowedTCPPortRanges).toEqual([]);
    expect(h.host("node1")!.firewall.allowedTCPPorts).toEqual([22, 6443, 7946, 9100, 10250]);
    expect(h.host("node1")!.firewall.allowedUDPPorts).toEqual([7946, 8472]);
  });

  it("names a missing reservation and the ones there are", () => {
    const h = Homelab.create(example);
    expect(() => h.loadBalancerIp("grafana")).toThrow(
      /no reservation "grafana" \(reservations: "pihole", "wireguard", "ingress"\)/,
    );
  });
});

describe("validation: every rule, its message and its path", () => {
  it("duplicate hostnames", () => {
    const p = at(
      lab((s) => (s.hosts[2].hostname = "node1")),
      "hosts[2].hostname",
    );
    expect(p.message).toBe('hostname "node1" is already used by hosts[0]');
    expect(p.fix).toMatch(/own name/);
  });

  it("duplicate host addresses", () => {
    const p = at(
      lab((s) => (s.hosts[1].address = "192.168.1.11")),
      "hosts[1].address",
    );
    expect(p.message).toBe("192.168.1.11 is already the address of hosts[0]");
  });

  it("duplicate MACs (case-insensitive)", () => {
    const p = at(
      lab((s) => (s.hosts[1].mac = "DC:A6:32:00:00:01")),
      "hosts[1].mac",
    );
    expect(p.message).toBe("MAC dc:a6:32:00:00:01 is already used by hosts[0]");
  });

  it("a malformed MAC", () => {
    expect(
      at(
        lab((s) => (s.hosts[1].mac = "dc-a6-32")),
        "hosts[1].mac",
      ).message,
    ).toBe('"dc-a6-32" is not a MAC address');
  });

  it("a host address outside the LAN", () => {
    const p = at(
      lab((s) => (s.hosts[2].address = "10.0.0.5")),
      "hosts[2].address",
    );
    expect(p.message).toBe("host address 10.0.0.5 is outside the LAN 192.168.1.0/24 (network.lan)");
  });

  it("a host on the broadcast address", () => {
    expect(
      at(
        lab((s) => (s.hosts[2].address = "192.168.1.255")),
        "hosts[2].address",
      ).message,
    ).toMatch(/broadcast address of 192.168.1.0\/24/);
  });

  it("an address that is not IPv4", () => {
    expect(
      at(
        lab((s) => (s.hosts[0].address = "192.168.1.011")),
        "hosts[0].address",
      ).message,
    ).toMatch(/leading zeros/);
    expect(
      at(
        lab((s) => (s.hosts[0].address = "fd00::1")),
        "hosts[0].address",
      ).message,
    ).toMatch(/IPv6/);
  });

  it("a host address equal to a load-balancer reservation", () => {
    const p = at(
      lab((s) => {
        s.network.metallbPool = ["192.168.1.200-192.168.1.220"];
        s.hosts[2].address = "192.168.1.202";
      }),
      "hosts[2].address",
    );
    // The address is also inside the pool; only the more specific problem is reported.
    expect(p.message).toBe('192.168.1.202 is already the load-balancer IP "ingress" (network.loadBalancerIps.ingress)');
  });

  it("a host address inside the MetalLB pool", () => {
    const all = problems(lab((s) => (s.hosts[2].address = "192.168.1.210"))).filter(
      (p) => formatPath(p.path) === "hosts[2].address",
    );
    expect(all.map((p) => p.message)).toEqual([
      "192.168.1.210 lies in the MetalLB pool 192.168.1.200-192.168.1.220 (network.metallbPool), so MetalLB could hand it to a Service",
    ]);
  });

  it("a reservation outside the MetalLB pool", () => {
    const p = at(
      lab((s) => (s.network.loadBalancerIps.pihole = "192.168.1.50")),
      "network.loadBalancerIps.pihole",
    );
    expect(p.message).toBe("192.168.1.50 is outside the MetalLB pool (192.168.1.200-192.168.1.220)");
  });

  it("a reservation equal to another reservation", () => {
    const p = at(
      lab((s) => (s.network.loadBalancerIps.ingress = "192.168.1.200")),
      "network.loadBalancerIps.ingress",
    );
    expect(p.message).toBe('192.168.1.200 is already the load-balancer IP "pihole" (network.loadBalancerIps.pihole)');
  });

  it("a reservation name that cannot become a Nix attribute", () => {
    const p = at(
      lab((s) => (s.network.loadBalancerIps["home-assistant"] = "192.168.1.205")),
      'network.loadBalancerIps["home-assistant"]',
    );
    expect(p.message).toMatch(/cannot become a Nix attribute "home-assistantIp"/);
  });

  it("a pool outside the LAN", () => {
    const p = at(
      lab((s) => (s.network.metallbPool = "192.168.2.0/27")),
      "network.metallbPool",
    );
    expect(p.message).toBe("MetalLB pool 192.168.2.0-192.168.2.31 is not inside the LAN 192.168.1.0/24 (network.lan)");
  });

  it("overlapping pool ranges", () => {
    const p = at(
      lab((s) => (s.network.metallbPool = ["192.168.1.200-192.168.1.210", "192.168.1.205-192.168.1.220"])),
      "network.metallbPool[1]",
    );
    expect(p.message).toMatch(/overlaps 192.168.1.200-192.168.1.210 \(network.metallbPool\[0\]\)/);
  });

  it("a CIDR with host bits set", () => {
    expect(
      at(
        lab((s) => (s.network.lan = "192.168.1.7/24")),
        "network.lan",
      ).message,
    ).toBe('"192.168.1.7/24" has host bits set; the block is "192.168.1.0/24"');
  });

  it("a role that requires a role the host lacks", () => {
    const p = at(
      lab((s) => (s.hosts[1].roles = ["k3s-agent"])),
      "hosts[1].roles[0]",
    );
    expect(p.message).toBe('role "k3s-agent" requires "minimal-node", which host "node2" does not have');
    expect(p.fix).toBe('Add "minimal-node" to the host\'s roles.');
  });

  it("an unknown role, with a suggestion", () => {
    const p = at(
      lab((s) => (s.hosts[1].roles = ["minimal-node", "k3s-agnet"])),
      "hosts[1].roles[1]",
    );
    expect(p.message).toBe('"k3s-agnet" is not a role');
    expect(p.fix).toBe('Did you mean "k3s-agent"?');
  });

  it("role requirements that form a cycle", () => {
    const spec = lab((s) => {
      s.roles = [...rolePresets, { name: "a", requires: ["b"] }, { name: "b", requires: ["a"] }];
    });
    expect(problems(spec).map((p) => p.message)).toContain("roles require each other in a cycle: a -> b -> a");
  });

  it("a k3s cluster with no server", () => {
    const p = at(
      lab((s) => {
        s.hosts[0].roles = ["minimal-node", "k3s-agent"];
        delete s.hosts[0].clusterInit;
      }),
      "hosts",
    );
    expect(p.message).toBe("the k3s cluster has agents (node1, node2, node3) but no server");
  });

  it("more than one cluster-init server", () => {
    const spec = lab((s) => {
      for (const i of [1, 2]) {
        s.hosts[i].roles = ["minimal-node", "k3s-server"];
        s.hosts[i].clusterInit = true;
      }
    });
    const all = problems(spec).filter((p) => p.message.includes("second cluster-init server"));
    expect(all.map((p) => formatPath(p.path))).toEqual(["hosts[1].clusterInit", "hosts[2].clusterInit"]);
    expect(all[0]!.message).toBe('host "node2" is a second cluster-init server (node1 is the first)');
  });

  it("several servers and none marked cluster-init", () => {
    const spec = lab((s) => {
      delete s.hosts[0].clusterInit;
      s.hosts[1].roles = ["minimal-node", "k3s-server"];
      s.hosts[2].roles = ["minimal-node", "k3s-server"];
    });
    expect(at(spec, "hosts").message).toBe(
      "the k3s cluster has 3 servers (node1, node2, node3) and none is marked clusterInit",
    );
  });

  it("an even number of k3s servers is a warning, not an error", () => {
    const spec = lab((s) => (s.hosts[1].roles = ["minimal-node", "k3s-server"]));
    const w = at(spec, "hosts", "warning");
    expect(w.message).toMatch(/^the k3s cluster has 2 servers \(node1, node2\); etcd needs a majority/);
    expect(w.fix).toBe("Run 1 or 3 servers.");
    expect(Homelab.create(spec).warnings).toHaveLength(1);
  });

  it("clusterInit on a host that is not a server", () => {
    expect(
      at(
        lab((s) => (s.hosts[1].clusterInit = true)),
        "hosts[1].clusterInit",
      ).message,
    ).toBe('host "node2" is marked clusterInit but is not a k3s server');
  });

  it("hostnames that are not DNS labels", () => {
    const p = at(
      lab((s) => (s.hosts[1].hostname = "Node_2")),
      "hosts[1].hostname",
    );
    expect(p.message).toMatch(/^"Node_2" is not a valid hostname/);
    expect(p.fix).toBe('Rename it, e.g. "node-2".');
    expect(
      at(
        lab((s) => (s.hosts[1].hostname = "-x")),
        "hosts[1].hostname",
      ).message,
    ).toMatch(/not starting or ending with "-"/);
    expect(
      at(
        lab((s) => (s.hosts[1].hostname = "a".repeat(64))),
        "hosts[1].hostname",
      ).message,
    ).toMatch(/at most 63/);
  });

  it("VPN addresses that collide", () => {
    const p = at(
      lab((s) => (s.vpn.users[1].address = "10.8.0.2")),
      "vpn.users[1].address",
    );
    expect(p.message).toBe("tunnel address 10.8.0.2 is already used by vpn.users[0]");
  });

  it("VPN addresses outside the VPN subnet", () => {
    const p = at(
      lab((s) => (s.vpn.users[0].address = "10.9.0.2")),
      "vpn.users[0].address",
    );
    expect(p.message).toBe("tunnel address 10.9.0.2 is outside the VPN subnet 10.8.0.0/24 (vpn.subnet)");
  });

  it("a VPN user on the gateway's own tunnel address", () => {
    expect(
      at(
        lab((s) => (s.vpn.users[0].address = "10.8.0.1")),
        "vpn.users[0].address",
      ).fix,
    ).toBe("Start users at 10.8.0.2.");
  });

  it("a WireGuard public key that is not 32 bytes of base64", () => {
    const p = at(
      lab((s) => (s.vpn.users[0].publicKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8D=")),
      "vpn.users[0].publicKey",
    );
    expect(p.message).toMatch(/is not a WireGuard public key \(32 bytes in base64: 44 characters ending in "="\)/);
    // 44 characters but the last data character carries bits beyond 32 bytes.
    expect(
      problems(lab((s) => (s.vpn.users[0].publicKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dh="))).map((x) =>
        formatPath(x.path),
      ),
    ).toEqual(["vpn.users[0].publicKey"]);
  });

  it("a VPN user with no key, or both kinds", () => {
    expect(
      at(
        lab((s) => delete s.vpn.users[0].publicKey),
        "vpn.users[0]",
      ).message,
    ).toBe('VPN user "alice" has no public key');
    expect(
      at(
        lab((s) => (s.vpn.users[0].publicKeySecret = "alice-wg")),
        "vpn.users[0]",
      ).message,
    ).toBe("has both publicKey and publicKeySecret");
  });

  it("a VPN subnet overlapping the LAN", () => {
    expect(
      at(
        lab((s) => (s.vpn.subnet = "192.168.0.0/16")),
        "vpn.subnet",
      ).message,
    ).toBe("VPN subnet 192.168.0.0/16 overlaps the LAN 192.168.1.0/24");
  });

  it("unknown fields are typos, with a suggestion", () => {
    const p = at(
      lab((s) => (s.hosts[0].adress = "192.168.1.30")),
      "hosts[0].adress",
    );
    expect(p.message).toBe("is not a field of a host");
    expect(p.fix).toBe('Did you mean "address"?');
  });

  it("missing required fields and wrong types", () => {
    const spec = lab((s) => {
      delete s.network.domain;
      s.hosts[0].roles = "k3s-server";
    });
    expect(at(spec, "network.domain").message).toBe("is missing; the network needs it");
    expect(at(spec, "hosts[0].roles").message).toBe('must be a list, got "k3s-server"');
  });

  it("garbage input is reported, not thrown", () => {
    expect(problems(null).map((p) => p.message)).toEqual(["must be a homelab (an object), got null"]);
    expect(problems({ name: "x", network: 5, hosts: {} }).map((p) => formatPath(p.path))).toEqual(["network", "hosts"]);
  });

  it("collects every problem at once, and create() throws them all", () => {
    const spec = lab((s) => {
      s.hosts[1].address = "192.168.1.11";
      s.hosts[2].hostname = "node1";
      s.network.loadBalancerIps.pihole = "192.168.1.50";
      s.vpn.users[1].publicKey = "nope";
    });
    expect(
      problems(spec)
        .filter((p) => p.level === "error")
        .map((p) => formatPath(p.path))
        .sort(),
    ).toEqual(
      ["hosts[1].address", "hosts[2].hostname", "network.loadBalancerIps.pihole", "vpn.users[1].publicKey"].sort(),
    );
    let error: unknown;
    try {
      Homelab.create(spec, "apps/homelab.ts");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HomelabValidationError);
    const message = (error as Error).message;
    expect(message).toMatch(/^the homelab definition has 4 errors; nothing was written:/);
    expect(message).toContain(
      "error: apps/homelab.ts: hosts[1].address: 192.168.1.11 is already the address of hosts[0]. Give every host its own address.",
    );
  });
});
