/**
 * Role presets: the roles real homelab repositories compose their hosts from,
 * with the ports each really needs. Users add their own roles the same way.
 */
import type { ClusterFunction, PortSpec, RoleSpec } from "./spec.js";

/** Factories for {@link PortSpec}: `Port.tcp(6443, "Kubernetes API")`, `Port.udpRange(...)`. */
export const Port = {
  /** One TCP port. */
  tcp(port: number, description = ""): PortSpec {
    return { protocol: "tcp", from: port, to: port, description };
  },
  /** One UDP port. */
  udp(port: number, description = ""): PortSpec {
    return { protocol: "udp", from: port, to: port, description };
  },
  /** An inclusive TCP port range. */
  tcpRange(from: number, to: number, description = ""): PortSpec {
    return { protocol: "tcp", from, to, description };
  },
  /** An inclusive UDP port range. */
  udpRange(from: number, to: number, description = ""): PortSpec {
    return { protocol: "udp", from, to, description };
  },
  /** The same port (or range) on TCP and UDP. */
  both(from: number, to = from, description = ""): PortSpec[] {
    return [
      { protocol: "tcp", from, to, description },
      { protocol: "udp", from, to, description },
    ];
  },
} as const;

/**
 * True when one of the host's roles has one of the cluster functions `fns`: a host with a role whose
 * `cluster` is `"k3s-server"` is a k3s server. {@link Homelab.hostsWith} lists such hosts.
 */
export function hasClusterFunction(
  host: { readonly roles: readonly { readonly cluster: ClusterFunction }[] },
  ...fns: readonly ClusterFunction[]
): boolean {
  return host.roles.some((r) => fns.includes(r.cluster));
}

const SSH = Port.tcp(22, "SSH");
const NODE_EXPORTER = Port.tcp(9100, "Prometheus node_exporter");
const KUBELET = Port.tcp(10250, "kubelet metrics and exec");
const METALLB_MEMBERLIST = Port.both(7946, 7946, "MetalLB speaker memberlist (L2 mode)");
const NFS_SERVER = [Port.tcp(2049, "NFS"), ...Port.both(111, 111, "rpcbind"), ...Port.both(20048, 20048, "NFS mountd")];
const CONSUL_SERF_LAN = Port.both(8301, 8301, "Consul Serf LAN");
const CONSUL_DNS = Port.both(8600, 8600, "Consul DNS");

/** The roles that ship with cdk8s-homelab, by name. */
export const rolePresets: readonly RoleSpec[] = [
  {
    name: "minimal-node",
    description: "Base of every host: SSH, users, Nix settings, node_exporter.",
    ports: [SSH, NODE_EXPORTER],
  },
  {
    name: "cluster-member",
    description: "Joins the Consul cluster as a client agent.",
    requires: ["minimal-node"],
    ports: [...CONSUL_SERF_LAN, ...CONSUL_DNS],
  },
  {
    name: "nomad-worker",
    description: "Nomad client that runs jobs, with the dynamic port range for tasks.",
    requires: ["cluster-member"],
    cluster: "nomad-client",
    ports: [
      Port.tcp(4646, "Nomad HTTP API"),
      Port.tcp(4647, "Nomad RPC"),
      ...Port.both(20000, 32000, "Nomad dynamic task ports"),
    ],
  },
  {
    name: "nomad-server",
    description: "Nomad and Consul server (raft members).",
    requires: ["cluster-member"],
    cluster: "nomad-server",
    ports: [
      Port.tcpRange(4646, 4648, "Nomad HTTP, RPC and Serf"),
      Port.udp(4648, "Nomad Serf"),
      Port.tcp(8300, "Consul server RPC"),
      ...Port.both(8302, 8302, "Consul Serf WAN"),
      Port.tcp(8500, "Consul HTTP API"),
    ],
  },
  {
    name: "cluster-tools",
    description: "Command-line tools to operate the cluster (kubectl, flux, nomad, consul).",
    requires: ["minimal-node"],
  },
  {
    name: "workstation-node",
    description: "A machine people work on: editors, development tools.",
    requires: ["minimal-node"],
  },
  {
    name: "desktop-node",
    description: "A graphical desktop on top of a workstation.",
    requires: ["workstation-node"],
  },
  {
    name: "nfs-services-server",
    description: "Primary NFS server for cluster storage.",
    requires: ["cluster-member"],
    cluster: "storage-server",
    ports: NFS_SERVER,
  },
  {
    name: "nfs-services-standby",
    description: "Standby NFS server, replicated from the primary.",
    requires: ["cluster-member"],
    cluster: "storage-standby",
    ports: NFS_SERVER,
  },
  {
    name: "k3s-server",
    description:
      "k3s control-plane node with embedded etcd. The model adds the flannel backend's port, and etcd's " +
      "2379-2380 when there are two or more servers.",
    requires: ["minimal-node"],
    cluster: "k3s-server",
    ports: [Port.tcp(6443, "Kubernetes API"), KUBELET, ...METALLB_MEMBERLIST],
  },
  {
    name: "k3s-agent",
    description: "k3s worker node. The model adds the flannel backend's port.",
    requires: ["minimal-node"],
    cluster: "k3s-agent",
    ports: [KUBELET, ...METALLB_MEMBERLIST],
  },
];
