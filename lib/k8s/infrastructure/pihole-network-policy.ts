/**
 * Pi-hole's NetworkPolicies. Its pods are the chart's (labels `app: pihole`, `release: <release>`), so
 * the policy selects them by the chart's label; every need comes from the model:
 * - ingress: DNS (53, UDP and TCP) from the LAN (`network.lan`), the VPN subnet and the cluster's pods
 *   (VPN clients reach it through the WireGuard gateway's pod); the web UI (80) from the ingress controller;
 * - egress: the model's upstream resolvers (`network.upstreamDns`) on 53, blocklist downloads (443) and
 *   time sync (NTP, 123/UDP) on the internet only, never the LAN or the cluster.
 */
import { AppNetworkPolicy, isolateNamespace, tcpAndUdp } from "../app-network-policy.js";
import { NetworkPeer } from "../network-peer.js";
import type { HelmApp } from "./helm-app.js";

/** The port of Pi-hole's web UI in its pod. */
const PIHOLE_WEB_PORT = 80;

/** Adds the default deny of Pi-hole's namespace and the policy of its pods to the HelmApp that installs it. */
export function addPiholeNetworkPolicy(pihole: HelmApp): AppNetworkPolicy {
  isolateNamespace(pihole, pihole.namespace);
  const policy = new AppNetworkPolicy(pihole, "network-policy", {
    name: "pihole",
    namespace: pihole.namespace,
    // The chart names its pods' `app` label after the chart.
    labelKey: "app",
    labelValue: "pihole",
  });
  const dns = tcpAndUdp(53);
  policy.allowIngress(NetworkPeer.lan(), dns);
  policy.allowIngress(NetworkPeer.vpnClients(), dns);
  policy.allowIngress(NetworkPeer.pods({ namespace: "*", description: "every pod of the cluster" }), dns);
  policy.allowIngress(NetworkPeer.ingressController(), [{ port: PIHOLE_WEB_PORT }]);
  policy.allowEgress(NetworkPeer.upstreamDns(), dns);
  policy.allowEgress(NetworkPeer.internet(), [{ port: 443 }, { port: 123, protocol: "UDP" }]);
  return policy;
}
