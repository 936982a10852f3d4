/**
 * The lab's monitoring targets, derived from the model: every host runs node_exporter (the `minimal-node`
 * role enables it) and is scraped on {@link NODE_EXPORTER_PORT}, in the cluster or not (a Nomad lab, a build
 * host). Plain data: the Kubernetes side writes them into Prometheus' scrape configuration, the Nix side into
 * `vars.nix` (`monitoring.targets`) for labs that run Prometheus on NixOS.
 */
import { hostEndpoint } from "./addressing.js";
import type { Homelab, Host } from "./homelab.js";
import { compareStrings } from "./order.js";
import { hasClusterFunction } from "./roles.js";

/** The port node_exporter listens on (NixOS `services.prometheus.exporters.node.port`'s default). */
export const NODE_EXPORTER_PORT = 9100;

/** One host's node_exporter, as a scrape target. */
export interface MonitoringTarget {
  readonly hostname: string;
  /**
   * `address:9100` (the host's LAN address), or `name:9100` for a host on DHCP, by the name it is reached
   * by (`<hostname>.local` or `<hostname>.<domain>`, as `network.hostNames` says): {@link hostEndpoint}.
   */
  readonly target: string;
  /** True when the host is a k3s server or agent. */
  readonly inCluster: boolean;
  /** The labels every series of the target carries: `hostname`, `roles` (comma-separated), `arch`. */
  readonly labels: { readonly hostname: string; readonly roles: string; readonly arch: string };
}

/** The target of one host. */
export function monitoringTarget(host: Host): MonitoringTarget {
  return {
    hostname: host.hostname,
    target: `${hostEndpoint(host)}:${NODE_EXPORTER_PORT}`,
    inCluster: hasClusterFunction(host, "k3s-server", "k3s-agent"),
    labels: {
      hostname: host.hostname,
      roles: host.roles.map((r) => r.name).join(","),
      arch: host.architecture,
    },
  };
}

/** Every host's node_exporter target, sorted by hostname. */
export function monitoringTargets(homelab: Homelab): MonitoringTarget[] {
  return [...homelab.hosts].sort((a, b) => compareStrings(a.hostname, b.hostname)).map(monitoringTarget);
}
