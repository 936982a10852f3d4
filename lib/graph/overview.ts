/**
 * The lab at a glance, as plain sorted data: hosts, the LAN and the MetalLB pool with every
 * reservation and what holds it, the Flux layers, the apps and their URLs, the VPN users and
 * the Secrets still to provide. Read from the model and the rendered files; both the Mermaid
 * picture and the lab's page are drawn from it.
 */
import type { Homelab } from "../model/homelab.js";
import { compareStrings } from "../model/order.js";
import {
  fluxLayers,
  documentsOf,
  isKubernetesFile,
  layerOf,
  readDocuments,
  resourceLabel,
  type FluxLayer,
  type KubeDocument,
} from "../diff/documents.js";
import { LOAD_BALANCER_IPS_ANNOTATION } from "../diff/warnings.js";

/** A Secret the lab reads (from the Kubernetes render), and whether a SOPS file provides it. */
export interface LabSecret {
  readonly namespace: string;
  readonly name: string;
  /** What it is for. */
  readonly purpose: string;
  /** The layer folder under dist/ it is carried into, e.g. `apps`. */
  readonly layerDir: string;
  /** True when a SOPS-encrypted file for it exists. */
  readonly provided: boolean;
}

/** What the picture and the page are drawn from. */
export interface LabOverviewInput {
  /** The validated model. */
  readonly homelab: Homelab;
  /** The rendered files, project-relative path -> text (what synth writes). */
  readonly files: ReadonlyMap<string, string>;
  /**
   * The documents of some of those files as values, in file order (synth passes the objects it
   * emitted, so the page does not parse back its own YAML).
   * @default undefined - every file is parsed from its text
   */
  readonly documents?: ReadonlyMap<string, readonly unknown[]>;
  /**
   * The Secrets the lab reads.
   * @default [] - the page lists no Secrets
   */
  readonly secrets?: readonly LabSecret[];
  /**
   * Where the definition lives, named in the page's header.
   * @default "the homelab definition"
   */
  readonly source?: string;
}

/** A host as the overview shows it. */
export interface OverviewHost {
  readonly hostname: string;
  readonly address: string;
  readonly roles: readonly string[];
  readonly k3s: "server" | "agent" | "none";
  readonly clusterInit: boolean;
  /** e.g. `tcp 22`, `tcp 2379-2380`, `udp 8472`. */
  readonly ports: readonly string[];
}

/** A MetalLB address: a named reservation, or an address a resource asks for without one. */
export interface OverviewAddress {
  /** The reservation's name in `network.loadBalancerIps`, or "" when the address is not reserved. */
  readonly name: string;
  readonly address: string;
  /** Resources that ask MetalLB for it, e.g. `Service wireguard/wireguard`, `HelmRelease traefik/traefik`. */
  readonly heldBy: readonly string[];
}

/** An app reachable through an Ingress (its own, or one its Helm chart makes from `values.ingress`). */
export interface OverviewApp {
  readonly name: string;
  readonly namespace: string;
  readonly urls: readonly string[];
  /** The Flux layer that applies it, or "" when none does. */
  readonly layer: string;
}

/** The lab at a glance. */
export interface LabOverview {
  readonly name: string;
  readonly domain: string;
  readonly lan: string;
  readonly gateway: string;
  readonly pool: readonly string[];
  readonly hosts: readonly OverviewHost[];
  readonly addresses: readonly OverviewAddress[];
  readonly layers: readonly FluxLayer[];
  readonly apps: readonly OverviewApp[];
  readonly vpn:
    | {
        readonly subnet: string;
        readonly users: readonly { readonly name: string; readonly address: string; readonly enabled: boolean }[];
      }
    | undefined;
  /** Secrets not provided yet, sorted by namespace and name. */
  readonly missingSecrets: readonly LabSecret[];
}

function ports(h: Homelab["hosts"][number]): string[] {
  const fw = h.firewall;
  return [
    ...fw.allowedTCPPorts.map((p) => `tcp ${p}`),
    ...fw.allowedTCPPortRanges.map((r) => `tcp ${r.from}-${r.to}`),
    ...fw.allowedUDPPorts.map((p) => `udp ${p}`),
    ...fw.allowedUDPPortRanges.map((r) => `udp ${r.from}-${r.to}`),
  ].sort((a, b) => compareStrings(a.slice(0, 3), b.slice(0, 3)) || parseInt(a.slice(4), 10) - parseInt(b.slice(4), 10));
}

/** Every value of the MetalLB annotation inside a document (Services, and Helm values that template one). */
function annotatedAddresses(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) annotatedAddresses(v, out);
    return;
  }
  if (value === null || typeof value !== "object") return;
  // for-in, not Object.entries: this visits every object of every document, and plain data inherits no keys.
  for (const k in value) {
    const v: unknown = (value as Record<string, unknown>)[k];
    if (typeof v === "string") {
      if (k === LOAD_BALANCER_IPS_ANNOTATION) out.push(...v.split(",").map((s) => s.trim()));
    } else if (typeof v === "object" && v !== null) annotatedAddresses(v, out);
  }
}

function ingressUrls(d: KubeDocument): string[] {
  const spec = (d.body.spec ?? {}) as { rules?: unknown; tls?: unknown };
  const tlsHosts = new Set<string>();
  for (const t of Array.isArray(spec.tls) ? spec.tls : []) {
    for (const h of Array.isArray((t as { hosts?: unknown }).hosts) ? (t as { hosts: unknown[] }).hosts : []) {
      if (typeof h === "string") tlsHosts.add(h);
    }
  }
  const urls: string[] = [];
  for (const rule of Array.isArray(spec.rules) ? spec.rules : []) {
    const host = (rule as { host?: unknown }).host;
    if (typeof host !== "string") continue;
    const scheme = tlsHosts.has(host) ? "https" : "http";
    const paths = ((rule as { http?: { paths?: unknown } }).http?.paths ?? []) as { path?: unknown }[];
    const ps = Array.isArray(paths) ? paths.map((p) => (typeof p.path === "string" ? p.path : "/")) : ["/"];
    for (const p of ps.length > 0 ? ps : ["/"]) urls.push(`${scheme}://${host}${p === "/" ? "/" : p}`);
  }
  return [...new Set(urls)].sort(compareStrings);
}

/** Layers in the order Flux applies them (a layer after what it depends on), ties by name. */
function dependencyOrder(layers: readonly FluxLayer[]): FluxLayer[] {
  const left = [...layers].sort((a, b) => compareStrings(a.name, b.name));
  const done = new Set<string>();
  const names = new Set(left.map((l) => l.name));
  const out: FluxLayer[] = [];
  while (left.length > 0) {
    // The first layer whose known dependencies are all placed; on a cycle, the first left.
    const i = Math.max(
      0,
      left.findIndex((l) => l.dependsOn.every((d) => done.has(d) || !names.has(d))),
    );
    const [next] = left.splice(i, 1);
    out.push(next!);
    done.add(next!.name);
  }
  return out;
}

/** URLs of a HelmRelease whose chart makes an Ingress from `values.ingress` (`enabled`, `hosts`, `tls`, `path`). */
function helmIngressUrls(d: KubeDocument): string[] {
  const spec = (d.body.spec ?? {}) as { values?: { ingress?: unknown } };
  const ingress = spec.values?.ingress as
    | { enabled?: unknown; hosts?: unknown; tls?: unknown; path?: unknown }
    | undefined;
  if (ingress === null || typeof ingress !== "object" || ingress.enabled !== true || !Array.isArray(ingress.hosts))
    return [];
  const tlsHosts = new Set<string>();
  for (const t of Array.isArray(ingress.tls) ? ingress.tls : []) {
    const hosts = (t as { hosts?: unknown }).hosts;
    for (const h of Array.isArray(hosts) ? hosts : []) if (typeof h === "string") tlsHosts.add(h);
  }
  const path = typeof ingress.path === "string" ? ingress.path : "/";
  const urls: string[] = [];
  for (const h of ingress.hosts) {
    const host = typeof h === "string" ? h : (h as { host?: unknown } | null)?.host;
    if (typeof host === "string") urls.push(`${tlsHosts.has(host) ? "https" : "http"}://${host}${path}`);
  }
  return [...new Set(urls)].sort(compareStrings);
}

/**
 * The overview of a lab.
 * @throws DocumentError naming a rendered file that is not YAML
 */
export function labOverview(input: LabOverviewInput): LabOverview {
  const { homelab, files } = input;
  const layers = dependencyOrder(fluxLayers(files));
  const docs: KubeDocument[] = [];
  for (const [path, text] of [...files].sort(([a], [b]) => compareStrings(a, b))) {
    if (!isKubernetesFile(path)) continue;
    const values = input.documents?.get(path);
    docs.push(...(values === undefined ? readDocuments(path, text) : documentsOf(path, values)));
  }

  const holders = new Map<string, Set<string>>();
  const apps: OverviewApp[] = [];
  for (const d of docs) {
    const found: string[] = [];
    annotatedAddresses(d.body, found);
    for (const ip of found) {
      const set = holders.get(ip) ?? new Set<string>();
      set.add(resourceLabel(d));
      holders.set(ip, set);
    }
    if (d.kind === "Ingress" && d.apiVersion.startsWith("networking.k8s.io/")) {
      apps.push({
        name: d.name,
        namespace: d.namespace,
        urls: ingressUrls(d),
        layer: layerOf(d.file, layers)?.name ?? "",
      });
    } else if (d.kind === "HelmRelease" && d.apiVersion.startsWith("helm.toolkit.fluxcd.io/")) {
      const urls = helmIngressUrls(d);
      if (urls.length > 0)
        apps.push({ name: d.name, namespace: d.namespace, urls, layer: layerOf(d.file, layers)?.name ?? "" });
    }
  }
  const addresses: OverviewAddress[] = [...homelab.loadBalancerIps].map(([name, ip]) => ({
    name,
    address: ip.toString(),
    heldBy: [...(holders.get(ip.toString()) ?? [])].sort(compareStrings),
  }));
  const reserved = new Set(addresses.map((a) => a.address));
  for (const [ip, set] of holders) {
    if (!reserved.has(ip)) addresses.push({ name: "", address: ip, heldBy: [...set].sort(compareStrings) });
  }
  const ipValue = (s: string) => s.split(".").reduce((n, o) => n * 256 + (Number(o) || 0), 0);
  addresses.sort((a, b) => ipValue(a.address) - ipValue(b.address) || compareStrings(a.name, b.name));

  const hosts: OverviewHost[] = [...homelab.hosts]
    .sort((a, b) => compareStrings(a.hostname, b.hostname))
    .map((h) => ({
      hostname: h.hostname,
      // A DHCP host without a known lease is shown by the name it is reached by.
      address: h.address?.toString() ?? `${h.dnsName} (DHCP)`,
      roles: h.roles.map((r) => r.name),
      k3s: h.roles.some((r) => r.cluster === "k3s-server")
        ? "server"
        : h.roles.some((r) => r.cluster === "k3s-agent")
          ? "agent"
          : "none",
      clusterInit: h.clusterInit,
      ports: ports(h),
    }));

  const vpn = homelab.vpn;
  return {
    name: homelab.name,
    domain: homelab.domain,
    lan: homelab.lan.toString(),
    gateway: homelab.gateway.toString(),
    pool: homelab.metallbPool.map(String),
    hosts,
    addresses,
    layers,
    apps: apps.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name)),
    vpn:
      vpn === undefined
        ? undefined
        : {
            subnet: vpn.subnet.toString(),
            users: [...vpn.users]
              .sort((a, b) => compareStrings(a.name, b.name))
              .map((u) => ({ name: u.name, address: u.address.toString(), enabled: u.enabled })),
          },
    missingSecrets: (input.secrets ?? [])
      .filter((s) => !s.provided)
      .sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name)),
  };
}
