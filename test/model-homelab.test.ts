/**
 * The Homelab read API: the validated fields as they are, the Kubernetes options behind a getter
 * that says what is missing, and hostsWith. The lab is part of a seven-Pi k3s cluster: its three
 * servers node1-node3 (node1 the cluster-init one) and two of its four agents, node4 and node5. The
 * addresses are made up, as that lab's come from DHCP.
 */
import { describe, expect, it } from "vitest";
import { Homelab, type HomelabSpec } from "../lib/model/index.js";

const node = (n: number, role: "k3s-server" | "k3s-agent") => ({
  hostname: `node${n}`,
  address: `192.168.1.${10 + n}`,
  architecture: "aarch64-linux" as const,
  roles: ["minimal-node", role],
  ...(n === 1 ? { clusterInit: true } : {}),
});

const spec: HomelabSpec = {
  name: "pi-cluster",
  network: {
    domain: "home.example.com",
    lan: "192.168.1.0/24",
    gateway: "192.168.1.1",
    metallbPool: "192.168.1.200-192.168.1.220",
    loadBalancerIps: { ingress: "192.168.1.200" },
  },
  hosts: [
    node(4, "k3s-agent"),
    node(1, "k3s-server"),
    node(5, "k3s-agent"),
    node(2, "k3s-server"),
    node(3, "k3s-server"),
  ],
};

describe("Homelab", () => {
  const lab = Homelab.create(spec);

  it("holds what validation produced, field by field", () => {
    const { homelab: again, problems } = Homelab.validate(spec);
    expect(problems).toEqual([]);
    expect(lab.name).toBe("pi-cluster");
    expect(lab.domain).toBe("home.example.com");
    expect(lab.lan.toString()).toBe("192.168.1.0/24");
    expect(lab.gateway.toString()).toBe("192.168.1.1");
    expect(lab.upstreamDns.map(String)).toEqual(["1.1.1.1", "9.9.9.9"]);
    expect(lab.metallbPool.map(String)).toEqual(["192.168.1.200-192.168.1.220"]);
    expect(lab.loadBalancerIp("ingress").toString()).toBe("192.168.1.200");
    expect(lab.hosts.map((h) => h.hostname)).toEqual(["node4", "node1", "node5", "node2", "node3"]);
    expect(lab.roles.get("k3s-agent")?.cluster).toBe("k3s-agent");
    expect(lab.vpn).toBeUndefined();
    expect(lab.nix).toEqual({ rolesDir: "roles", vars: "default", facts: {} });
    expect(lab.warnings).toEqual([]);
    expect(again).toBeInstanceOf(Homelab);
    expect(again!.hosts.map((h) => String(h.address))).toEqual(lab.hosts.map((h) => String(h.address)));
  });

  it("has no Kubernetes options without a kubernetes section, and says what to add when asked for them", () => {
    expect(lab.kubernetesOptions).toBeUndefined();
    expect(() => lab.kubernetes).toThrow(/the homelab has no kubernetes section: add kubernetes: \{/);
  });

  it("lists the hosts of one or more cluster functions in declaration order", () => {
    expect(lab.hostsWith("k3s-server").map((h) => h.hostname)).toEqual(["node1", "node2", "node3"]);
    expect(lab.hostsWith("k3s-agent").map((h) => h.hostname)).toEqual(["node4", "node5"]);
    const k3sNodes = lab.hostsWith("k3s-server", "k3s-agent").map((h) => h.hostname);
    expect(k3sNodes).toEqual(["node4", "node1", "node5", "node2", "node3"]);
    expect(lab.hostsWith("nomad-server")).toEqual([]);
    expect(lab.hostsWith()).toEqual([]);
    expect(lab.clusterInitServer?.hostname).toBe("node1");
  });
});
