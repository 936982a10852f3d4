/**
 * The hosts' firewalls against what the cluster needs (issue 8 §3): every k3s node opens the ports k3s,
 * flannel, MetalLB and a scraping Prometheus reach it on, and no role opens a port labelled for a feature
 * the model turns off. What is needed is read from the model (roles, flannel backend, servers) and from the
 * rendered documents (a MetalLB, Longhorn or Prometheus release, a scrape target `<host>:9100`).
 */
import type { Homelab, Host } from "../../model/homelab.js";
import { flannelPort, K3S_PORTS } from "../../model/k3s.js";
import { hasClusterFunction } from "../../model/roles.js";
import type { PortSpec } from "../../model/spec.js";
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { CheckContext, CheckedDocument } from "../context.js";
import type { Finding } from "../finding.js";

/** The check's id, the key of its findings. */
export const HOST_FIREWALL_CHECK = "host-firewall";

const NODE_EXPORTER: PortSpec = { protocol: "tcp", from: 9100, to: 9100, description: "Prometheus node_exporter" };
const MEMBERLIST: readonly PortSpec[] = [
  { protocol: "tcp", from: 7946, to: 7946, description: "MetalLB speaker memberlist (L2 mode)" },
  { protocol: "udp", from: 7946, to: 7946, description: "MetalLB speaker memberlist (L2 mode)" },
];

/** Charts whose HelmRelease means a cluster feature is on. */
const PROMETHEUS_CHARTS = ["kube-prometheus-stack", "prometheus-node-exporter", "prometheus"];

/** What the rendered documents say is running. */
interface Features {
  readonly metallb: boolean;
  readonly longhorn: boolean;
  /** A Prometheus that scrapes every node's node_exporter. */
  readonly prometheus: boolean;
  /** The names and addresses the documents scrape on 9100 (`<name>:9100` as a whole token). */
  readonly scraped: ReadonlySet<string>;
}

function chartOf(d: CheckedDocument): string | undefined {
  if (d.doc.kind !== "HelmRelease") return undefined;
  const chart = (d.doc as { spec?: { chart?: { spec?: { chart?: unknown } } } }).spec?.chart?.spec?.chart;
  return typeof chart === "string" ? chart : undefined;
}

function featuresOf(ctx: CheckContext): Features {
  const { documents } = ctx;
  const charts = new Set(
    documentIndex(ctx)
      .ofKind("HelmRelease")
      .map(chartOf)
      .filter((c) => c !== undefined),
  );
  return {
    metallb: charts.has("metallb"),
    longhorn: charts.has("longhorn"),
    prometheus: PROMETHEUS_CHARTS.some((c) => charts.has(c)),
    scraped: scrapeTargets(documents),
  };
}

function opens(host: Host, port: PortSpec): boolean {
  const fw = host.firewall;
  const [singles, ranges] =
    port.protocol === "tcp"
      ? [fw.allowedTCPPorts, fw.allowedTCPPortRanges]
      : [fw.allowedUDPPorts, fw.allowedUDPPortRanges];
  for (let p = port.from; p <= port.to; p++) {
    if (!singles.includes(p) && !ranges.some((r) => r.from <= p && p <= r.to)) return false;
  }
  return true;
}

/** The `Port` factory call that makes `port`, for fixes. */
function factory(port: PortSpec): string {
  const what = JSON.stringify(port.description ?? "");
  return port.from === port.to
    ? `Port.${port.protocol}(${port.from}, ${what})`
    : `Port.${port.protocol}Range(${port.from}, ${port.to}, ${what})`;
}

/** `<name>:9100` with the name as a whole token, in a string as JSON writes it (quoted, escaped). */
const SCRAPE_TARGET = /(?<![\w.-])([\w.-]+):9100(?!\d)/g;

/** Adds the targets `<name>:9100` of one string (a key or a value) of a document. */
function stringTargets(s: string, out: Set<string>): void {
  if (!s.includes(":9100")) return;
  // A match never spans two strings of the JSON text (a name ends at a quote), so matching each string's JSON
  // form finds what matching the whole document's JSON text would.
  for (const m of JSON.stringify(s).matchAll(SCRAPE_TARGET)) out.add(m[1]!);
}

/** Every string of `value` as JSON.stringify writes it: keys and values, skipping what it leaves out. */
function valueTargets(value: unknown, out: Set<string>): void {
  if (typeof value === "string") stringTargets(value, out);
  else if (Array.isArray(value)) for (const v of value) valueTargets(v, out);
  else if (typeof value === "object" && value !== null) {
    for (const k in value) {
      const v: unknown = (value as Record<string, unknown>)[k];
      if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
      stringTargets(k, out);
      valueTargets(v, out);
    }
  }
}

/**
 * Every `<name>:9100` in the documents, the name as a whole token (`10.0.0.11:9100` names `10.0.0.11`, never
 * `10.0.0.1`). One pass over the documents' strings, whatever the number of hosts.
 */
export function scrapeTargets(documents: readonly CheckedDocument[]): Set<string> {
  const out = new Set<string>();
  for (const d of documents) valueTargets(d.doc, out);
  return out;
}

function show(port: PortSpec): string {
  return `${port.from === port.to ? port.from : `${port.from}-${port.to}`}/${port.protocol}`;
}

/** A port a host must open, why, and how bad it is when closed. */
interface Need {
  readonly port: PortSpec;
  readonly why: string;
  /** @default "error" */
  readonly severity?: "warning";
}

/**
 * Ports `host` must open, each with why. node_exporter closed on a host outside the cluster (a build host, a
 * Nomad node the lab's Prometheus scrapes) is a warning: its target shows as down, nothing of the cluster breaks.
 */
function needs(homelab: Homelab, host: Host, f: Features): Need[] {
  const server = hasClusterFunction(host, "k3s-server");
  const node = server || hasClusterFunction(host, "k3s-agent");
  const out: Need[] = [];
  if (server) out.push({ port: K3S_PORTS.api, why: "agents and kubectl reach the Kubernetes API of a k3s server" });
  if (server && homelab.hostsWith("k3s-server").length >= 2)
    out.push({ port: K3S_PORTS.etcd, why: "the k3s servers' embedded etcd members talk to each other" });
  if (node) {
    out.push({ port: K3S_PORTS.kubelet, why: "the API server reaches every node's kubelet (logs, exec, metrics)" });
    out.push({
      port: flannelPort(homelab.k3s.flannelBackend),
      why:
        `flannel's ${homelab.k3s.flannelBackend} backend (k3s.flannelBackend) carries pod traffic between nodes` +
        (f.longhorn ? ", Longhorn's replicas included" : ""),
    });
    if (f.metallb)
      for (const port of MEMBERLIST)
        out.push({ port, why: "MetalLB's speakers elect the node that answers for an IP" });
  }
  const scraped =
    (host.address !== undefined && f.scraped.has(host.address.toString())) ||
    f.scraped.has(host.hostname) ||
    (host.addressing === "dhcp" && f.scraped.has(host.dnsName));
  if (scraped || (node && f.prometheus))
    out.push({
      port: NODE_EXPORTER,
      why: scraped
        ? `a rendered scrape target names ${host.hostname}:9100`
        : "the lab's Prometheus scrapes node_exporter",
      ...(node ? {} : { severity: "warning" as const }),
    });
  return out;
}

/**
 * The feature a port's label names, when the model turns it off: the reason, or undefined. Only what the model
 * decides counts (flannel's backend, the number of servers, `k3s.longhorn`); a MetalLB the lab does not render
 * may still be installed another way, so its ports are never refused.
 */
function offFeature(homelab: Homelab, host: Host, port: PortSpec): string | undefined {
  const label = (port.description ?? "").toLowerCase();
  const backend = homelab.k3s.flannelBackend;
  if (label.includes("flannel") && label.includes("wireguard") && backend !== "wireguard-native")
    return `k3s.flannelBackend is "${backend}", not "wireguard-native"`;
  if (label.includes("flannel") && label.includes("vxlan") && backend !== "vxlan")
    return `k3s.flannelBackend is "${backend}", not "vxlan"`;
  if (label.includes("etcd")) {
    if (!hasClusterFunction(host, "k3s-server")) return "the host is not a k3s server";
    const servers = homelab.hostsWith("k3s-server").length;
    if (servers < 2) return `the cluster has ${servers} k3s server; etcd's peer ports matter from two servers on`;
  }
  if (label.includes("longhorn") && !homelab.k3s.longhorn) return "k3s.longhorn is false";
  return undefined;
}

function run(ctx: CheckContext): Finding[] {
  const { homelab } = ctx;
  const f = featuresOf(ctx);
  const findings: Finding[] = [];
  homelab.hosts.forEach((host, i) => {
    const path = `hosts[${i}].firewall`;
    for (const { port, why, severity } of needs(homelab, host, f)) {
      if (opens(host, port)) continue;
      findings.push({
        check: HOST_FIREWALL_CHECK,
        severity: severity ?? "error",
        path,
        message: `host "${host.hostname}" does not open ${show(port)} (${port.description}), though ${why}`,
        fix:
          `Add ${factory(port)} to one of its roles (${host.roles.map((r) => r.name).join(", ")}), ` +
          "or use the preset role",
      });
    }
    for (const role of host.roles) {
      for (const port of role.ports) {
        const reason = offFeature(homelab, host, port);
        if (reason === undefined) continue;
        findings.push({
          check: HOST_FIREWALL_CHECK,
          severity: "error",
          path,
          message:
            `role "${role.name}" opens ${show(port)} on host "${host.hostname}" for "${port.description}", ` +
            `but ${reason}`,
          fix:
            `Remove the port from role "${role.name}" (the model itself opens flannel's and etcd's ports ` +
            "where they are needed), or turn the feature on",
        });
      }
    }
  });
  return findings;
}

/** Hosts' firewalls open what the cluster needs, and nothing labelled for a feature that is off. */
export const hostFirewallCheck: Check = {
  id: HOST_FIREWALL_CHECK,
  doc: "Each host opens what the cluster needs of it (k3s, flannel, MetalLB, node_exporter) and no port of a feature that is off.",
  severity: "error",
  skippable: false,
  run,
};
