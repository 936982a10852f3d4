import { describe, expect, it } from "vitest";
import { Homelab, type HomelabSpec } from "../lib/model/index.js";
import { varsValue } from "../lib/nix/emit.js";
import { odroidLab } from "./fixtures/odroid-lab.js";
import { smallSpec } from "./fixtures/small-lab.js";

function problems(spec: unknown): string[] {
  return Homelab.validate(spec).problems.map((p) => `${p.level} ${p.path.join(".")}: ${p.message}`);
}

describe("the k3s section", () => {
  it("defaults to k3s's own choices", () => {
    const k3s = Homelab.create(smallSpec).k3s;
    expect({ ...k3s, clusterCidr: String(k3s.clusterCidr), serviceCidr: String(k3s.serviceCidr) }).toEqual({
      flannelBackend: "vxlan",
      clusterCidr: "10.42.0.0/16",
      serviceCidr: "10.43.0.0/16",
      tokenSecret: "k3s-token",
      longhorn: true,
    });
  });

  it("refuses every bad field at once, each by its path", () => {
    const spec = {
      ...smallSpec,
      k3s: { flannelBackend: "udp", clusterCidr: "10.42.0.1/16", tokenSecret: "has space", longhorn: "yes", extra: 1 },
    };
    expect(problems(spec)).toEqual([
      "error k3s.extra: is not a field of the k3s section",
      'error k3s.flannelBackend: "udp" is not a flannel backend this library sets up',
      expect.stringMatching(/^error k3s\.clusterCidr: /),
      'error k3s.tokenSecret: "has space" is not a sops-nix secret name',
      'error k3s.longhorn: must be true or false, got "yes"',
    ]);
  });

  it("refuses pod and service networks that overlap the LAN, the VPN or each other", () => {
    const vpn = { subnet: "10.8.0.0/24" };
    expect(problems({ ...smallSpec, vpn, k3s: { clusterCidr: "10.0.0.0/8" } })).toEqual([
      "error k3s.clusterCidr: the pod network 10.0.0.0/8 overlaps 10.0.20.0/24 (network.lan)",
      "error k3s.clusterCidr: the pod network 10.0.0.0/8 overlaps 10.8.0.0/24 (vpn.subnet)",
      "error k3s.serviceCidr: the service network 10.43.0.0/16 overlaps the pod network 10.0.0.0/8",
    ]);
    expect(problems({ ...smallSpec, k3s: { serviceCidr: "10.42.128.0/17" } })).toEqual([
      "error k3s.serviceCidr: the service network 10.42.128.0/17 overlaps the pod network 10.42.0.0/16",
    ]);
    expect(problems({ ...smallSpec, k3s: { clusterCidr: "172.16.0.0/16", serviceCidr: "172.17.0.0/16" } })).toEqual([]);
  });
});

describe("the cluster's own ports, per node", () => {
  const ports = (spec: HomelabSpec, host: string) => Homelab.create(spec).host(host)!.firewall;

  it("one server with VXLAN: 8472/udp on every node, no etcd, no 51820", () => {
    for (const h of ["c1", "c2", "zippy"]) {
      expect(ports(smallSpec, h).allowedUDPPorts).toEqual([7946, 8472]);
      expect(ports(smallSpec, h).allowedTCPPortRanges).toEqual([]);
    }
  });

  it("three servers with wireguard-native: 51820/udp everywhere, etcd on the servers only", () => {
    for (const h of ["node1", "node2", "node3"]) {
      expect(ports(odroidLab, h).allowedTCPPortRanges).toEqual([{ from: 2379, to: 2380 }]);
      expect(ports(odroidLab, h).allowedUDPPorts).toEqual([7946, 51820]);
    }
    for (const h of ["node4", "node7"]) {
      expect(ports(odroidLab, h).allowedTCPPortRanges).toEqual([]);
      expect(ports(odroidLab, h).allowedUDPPorts).toEqual([7946, 51820]);
    }
  });

  it("none on a host outside the k3s cluster", () => {
    const spec = {
      ...smallSpec,
      hosts: [...smallSpec.hosts, { hostname: "nas", address: "10.0.20.20", roles: ["minimal-node"] }],
    };
    expect(ports(spec, "nas")).toEqual({
      allowedTCPPorts: [22, 9100],
      allowedTCPPortRanges: [],
      allowedUDPPorts: [],
      allowedUDPPortRanges: [],
    });
  });
});

describe("a host's interface", () => {
  it("is eth0 with kernel names unless the spec names one", () => {
    const lab = Homelab.create(odroidLab);
    expect(lab.host("node1")).toMatchObject({ interface: "end0", predictableInterfaceNames: true });
    expect(Homelab.create(smallSpec).host("c1")).toMatchObject({ interface: "eth0", predictableInterfaceNames: false });
  });

  it("refuses names Linux cannot have", () => {
    for (const bad of ["", "a-name-longer-than-15", "eth 0", 7]) {
      const spec = { ...smallSpec, hosts: [{ ...smallSpec.hosts[0]!, interface: bad }, ...smallSpec.hosts.slice(1)] };
      expect(problems(spec)).toEqual([
        expect.stringMatching(/^error hosts\.0\.interface: .* is not a network interface name$/),
      ]);
    }
  });
});

describe("vars.nix", () => {
  it("carries the k3s choices, the server flags and the pod interfaces to trust", () => {
    const k3s = (varsValue(Homelab.create(odroidLab)) as any).k3s;
    expect(k3s).toMatchObject({
      flannelBackend: "wireguard-native",
      clusterCidr: "10.42.0.0/16",
      serviceCidr: "10.43.0.0/16",
      serverFlags: ["--flannel-backend=wireguard-native", "--cluster-cidr=10.42.0.0/16", "--service-cidr=10.43.0.0/16"],
      trustedInterfaces: ["cni0", "flannel-wg"],
      tokenSecret: "k3s/token",
    });
  });

  it("gives every k3s node (servers too) its own iSCSI initiator name, and none without Longhorn", () => {
    const nodes = (varsValue(Homelab.create(odroidLab)) as any).nodes;
    expect(nodes.node1.longhorn).toEqual({ iscsiInitiatorName: "iqn.2020-08.net.example.odroid:node1" });
    const names = Object.values(nodes).map((n: any) => n.longhorn.iscsiInitiatorName);
    expect(new Set(names).size).toBe(7);
    const off = (varsValue(Homelab.create({ ...odroidLab, k3s: { longhorn: false } })) as any).nodes;
    expect(Object.values(off).map((n: any) => n.longhorn)).toEqual(Array(7).fill(null));
  });

  it("names each host's interface", () => {
    const nodes = (varsValue(Homelab.create(smallSpec)) as any).nodes;
    expect(nodes.c1).toMatchObject({ interface: "eth0", predictableInterfaceNames: false });
  });
});
