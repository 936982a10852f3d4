/**
 * The k3s cluster's host side: validation of the `k3s` section and of a host's `interface`, and the
 * firewall ports the cluster itself needs on each node (derived from the model, not from roles).
 */
import type { Host, K3s } from "./homelab.js";
import { Cidr, cidrProblem } from "./ip.js";
import { describeValue, formatPath, type ProblemCollector, type SpecPath } from "./problems.js";
import { hasClusterFunction, Port } from "./roles.js";
import type { FlannelBackend, PortSpec } from "./spec.js";

const FLANNEL_BACKENDS: readonly FlannelBackend[] = ["vxlan", "wireguard-native"];
const K3S_FIELDS = ["flannelBackend", "clusterCidr", "serviceCidr", "tokenSecret", "longhorn"];
/** A Linux interface name: at most 15 characters, no `/`, `:` or white space. */
const INTERFACE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
/** A sops-nix secret name (a key path in the SOPS file, `/` for nesting). */
const SECRET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;

/** The defaults of {@link K3sSpec}, as k3s itself has them. */
export const K3S_DEFAULTS = {
  flannelBackend: "vxlan",
  clusterCidr: "10.42.0.0/16",
  serviceCidr: "10.43.0.0/16",
  tokenSecret: "k3s-token",
  longhorn: true,
} as const;

/** Ports of the k3s cluster, with the descriptions the firewall check recognises. */
export const K3S_PORTS = {
  api: Port.tcp(6443, "Kubernetes API"),
  etcd: Port.tcpRange(2379, 2380, "etcd client and peer"),
  kubelet: Port.tcp(10250, "kubelet metrics and exec"),
  flannelVxlan: Port.udp(8472, "flannel VXLAN"),
  flannelWireguard: Port.udp(51820, "flannel WireGuard (wireguard-native backend)"),
} as const;

/** The flannel port of `backend`. */
export function flannelPort(backend: FlannelBackend): PortSpec {
  return backend === "vxlan" ? K3S_PORTS.flannelVxlan : K3S_PORTS.flannelWireguard;
}

/** The interfaces pod traffic reaches a node on: the CNI bridge and flannel's device for `backend`. */
export function podInterfaces(backend: FlannelBackend): readonly string[] {
  return ["cni0", backend === "vxlan" ? "flannel.1" : "flannel-wg"];
}

/**
 * The ports the cluster needs on `host`, whatever its roles say: the flannel backend's port on every
 * k3s node, and etcd's 2379-2380 on servers when there are two or more (a single server has no peers).
 */
export function clusterPorts(host: Pick<Host, "roles">, k3s: K3s, serverCount: number): PortSpec[] {
  const server = hasClusterFunction(host, "k3s-server");
  if (!server && !hasClusterFunction(host, "k3s-agent")) return [];
  return [flannelPort(k3s.flannelBackend), ...(server && serverCount >= 2 ? [K3S_PORTS.etcd] : [])];
}

/**
 * Validates the `k3s` section (every field optional); `networks` (the LAN, the VPN) must not overlap the pod
 * or the service network.
 */
export function validateK3s(
  c: ProblemCollector,
  value: unknown,
  networks: readonly { readonly path: SpecPath; readonly cidr: Cidr | undefined }[],
): K3s {
  const path = ["k3s"];
  const d = K3S_DEFAULTS;
  const fallback: K3s = {
    flannelBackend: d.flannelBackend,
    clusterCidr: Cidr.of(d.clusterCidr),
    serviceCidr: Cidr.of(d.serviceCidr),
    tokenSecret: d.tokenSecret,
    longhorn: d.longhorn,
  };
  if (value === undefined) return checkOverlaps(c, fallback, networks);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    c.error(
      path,
      `must be an object, got ${describeValue(value)}`,
      'Write it as { flannelBackend: "vxlan" } or leave it out.',
    );
    return fallback;
  }
  const k = value as Record<string, unknown>;
  for (const key of Object.keys(k)) {
    if (!K3S_FIELDS.includes(key))
      c.error(
        [...path, key],
        "is not a field of the k3s section",
        `Remove it; the fields are ${K3S_FIELDS.join(", ")}.`,
      );
  }
  let flannelBackend: FlannelBackend = d.flannelBackend;
  if (k.flannelBackend !== undefined) {
    if (FLANNEL_BACKENDS.includes(k.flannelBackend as FlannelBackend))
      flannelBackend = k.flannelBackend as FlannelBackend;
    else
      c.error(
        [...path, "flannelBackend"],
        `${describeValue(k.flannelBackend)} is not a flannel backend this library sets up`,
        'Use "vxlan" (k3s\'s default) or "wireguard-native".',
      );
  }
  const cidr = (field: "clusterCidr" | "serviceCidr"): Cidr => {
    const raw = k[field];
    if (raw === undefined) return fallback[field];
    const problem = cidrProblem(raw);
    if (problem === undefined) return Cidr.of(raw as string);
    c.error([...path, field], problem, `Write a CIDR block like ${d[field]} (the default).`);
    return fallback[field];
  };
  const clusterCidr = cidr("clusterCidr");
  const serviceCidr = cidr("serviceCidr");
  let tokenSecret: string = d.tokenSecret;
  if (k.tokenSecret !== undefined) {
    if (typeof k.tokenSecret === "string" && SECRET_NAME.test(k.tokenSecret)) tokenSecret = k.tokenSecret;
    else
      c.error(
        [...path, "tokenSecret"],
        `${describeValue(k.tokenSecret)} is not a sops-nix secret name`,
        `Name the key of the token in your SOPS file, e.g. "${d.tokenSecret}".`,
      );
  }
  let longhorn: boolean = d.longhorn;
  if (k.longhorn !== undefined) {
    if (typeof k.longhorn === "boolean") longhorn = k.longhorn;
    else c.error([...path, "longhorn"], `must be true or false, got ${describeValue(k.longhorn)}`, "Use a boolean.");
  }
  const k3s = {
    flannelBackend,
    clusterCidr,
    serviceCidr,
    tokenSecret,
    longhorn,
  };
  return checkOverlaps(c, k3s, networks);
}

function overlaps(a: Cidr, b: Cidr): boolean {
  return a.contains(b.network) || b.contains(a.network);
}

function checkOverlaps(
  c: ProblemCollector,
  k3s: K3s,
  networks: readonly { readonly path: SpecPath; readonly cidr: Cidr | undefined }[],
): K3s {
  const mine = [
    { field: "clusterCidr", what: "pod network", cidr: k3s.clusterCidr },
    { field: "serviceCidr", what: "service network", cidr: k3s.serviceCidr },
  ] as const;
  for (const m of mine) {
    for (const n of networks) {
      if (n.cidr !== undefined && overlaps(m.cidr, n.cidr))
        c.error(
          ["k3s", m.field],
          `the ${m.what} ${m.cidr.toString()} overlaps ${n.cidr.toString()} (${formatPath(n.path)})`,
          `Pick a block that overlaps neither, e.g. k3s.${m.field}: "${K3S_DEFAULTS[m.field]}" if that one is free.`,
        );
    }
  }
  if (overlaps(k3s.clusterCidr, k3s.serviceCidr))
    c.error(
      ["k3s", "serviceCidr"],
      `the service network ${k3s.serviceCidr.toString()} overlaps the pod network ${k3s.clusterCidr.toString()}`,
      "Give pods and services separate blocks (k3s uses 10.42.0.0/16 and 10.43.0.0/16).",
    );
  return k3s;
}

/** Validates a host's `interface`; without one, the host uses kernel names and `eth0`. */
export function validateInterface(
  c: ProblemCollector,
  path: SpecPath,
  value: unknown,
): { readonly interface: string; readonly predictableInterfaceNames: boolean } {
  if (value === undefined) return { interface: "eth0", predictableInterfaceNames: false };
  if (typeof value === "string" && INTERFACE.test(value)) return { interface: value, predictableInterfaceNames: true };
  c.error(
    path,
    `${describeValue(value)} is not a network interface name`,
    'Give the name `ip link` shows on the host, e.g. "enp1s0" (at most 15 letters, digits, ".", "_" or "-").',
  );
  return { interface: "eth0", predictableInterfaceNames: false };
}
