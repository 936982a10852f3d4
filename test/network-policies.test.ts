/**
 * The NetworkPolicies the constructs make, checked with the in-process evaluator on the fixture lab
 * (test/fixtures/lab: Nextcloud with its PostgreSQL and a CronJob, the WireGuard gateway, Pi-hole) plus a
 * second PostgresApp, so that "another app's database" exists. Each path the lab needs is open; the
 * paths next to them are closed.
 *
 * Pods the documents do not show are the charts': their namespaces and labels are the charts' own
 * (Traefik and the CloudNativePG operator label app.kubernetes.io/name=<chart>; Pi-hole's chart labels
 * app=pihole; k3s's CoreDNS is k8s-app=kube-dns in kube-system).
 */
import { describe, expect, it } from "vitest";
import { PostgresApp } from "../lib/k8s/apps/index.js";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { Homelab } from "../lib/model/index.js";
import { K3S_COREDNS_POD, NetworkPolicyEvaluator } from "../lib/testing/network-policy.js";
import { synthSpec } from "../lib/testing/index.js";
import { networkPolicy } from "../lib/check/policies/network-policy.js";
import { homelab } from "./fixtures/lab/homelab.js";
import { findingsOf } from "./helpers/check-context.js";
import { monitoringKubernetes, monitoringSpec } from "./fixtures/monitoring-lab.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";

const lab = Homelab.create(homelab);
const out = synthSpec(homelab, (app: HomelabApp) => {
  defineKubernetes(app);
  new PostgresApp(app.apps, "miniflux", {
    image: "ghcr.io/miniflux/miniflux:2.2.6-distroless",
    port: 8080,
    ingress: { subdomain: "rss" },
  });
});

const net = NetworkPolicyEvaluator.fromDocuments(out.documents, {
  pods: [
    K3S_COREDNS_POD,
    {
      namespace: "traefik",
      name: "traefik",
      labels: { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-traefik" },
      ports: [
        { name: "web", port: 8000 },
        { name: "websecure", port: 8443 },
      ],
    },
    {
      namespace: "cnpg-system",
      name: "cloudnative-pg",
      labels: { "app.kubernetes.io/name": "cloudnative-pg", "app.kubernetes.io/instance": "cloudnative-pg" },
      ports: [{ name: "webhook-server", port: 9443 }],
    },
    {
      namespace: "pihole",
      name: "pihole",
      labels: { app: "pihole", release: "pihole" },
      ports: [
        { name: "http", port: 80 },
        { name: "dns", port: 53, protocol: "TCP" },
        { name: "dns-udp", port: 53, protocol: "UDP" },
      ],
    },
  ],
});
const addr = NetworkPolicyEvaluator.address;
const nextcloud = net.pod("nextcloud", "nextcloud");
const cron = net.pod("nextcloud", "nextcloud-cron");
const nextcloudDb = net.pod("nextcloud", "nextcloud-db");
const miniflux = net.pod("miniflux", "miniflux");
const minifluxDb = net.pod("miniflux", "miniflux-db");
const wireguard = net.pod("wireguard", "wireguard");
const pihole = net.pod("pihole", "pihole");
const traefik = net.pod("traefik", "traefik");
const operator = net.pod("cnpg-system", "cloudnative-pg");
const dns = net.pod("kube-system", "coredns");
const server = lab.hostsWith("k3s-server")[0]!.address!.toString();
const agent = lab.hostsWith("k3s-agent")[0]!.address!.toString();
const listenPort = lab.vpn!.listenPort;
const lanClient = lab.lan.network.plus(50).toString();

describe("the fixture lab's NetworkPolicies", () => {
  it("isolates every namespace the lab runs its own pods in: default deny both ways but DNS", () => {
    const namespaces = [...new Set(net.pods.map((p) => p.namespace))].filter(
      (ns) => !["kube-system", "traefik", "cnpg-system"].includes(ns),
    );
    expect(namespaces.sort()).toEqual(["miniflux", "nextcloud", "pihole", "wireguard"]);
    for (const ns of namespaces) expect(net.policiesIn(ns), ns).toContain("default-deny");
    // So the network-policy check has nothing to say about the fixture lab.
    expect(findingsOf(networkPolicy, homelab, defineKubernetes)).toEqual([]);
    for (const pod of [nextcloud, cron, nextcloudDb, miniflux, wireguard, pihole]) {
      expect(net.allows(pod, dns, 53, "UDP"), `${pod.name} -> DNS/udp`).toBe(true);
      expect(net.allows(pod, dns, 53, "TCP"), `${pod.name} -> DNS/tcp`).toBe(true);
    }
    // DNS only: not CoreDNS's metrics port (the WireGuard gateway's egress is open, it routes its users).
    for (const pod of [nextcloud, cron, nextcloudDb, miniflux, pihole]) {
      expect(net.allows(pod, dns, 9153), `${pod.name} -> CoreDNS's metrics`).toBe(false);
    }
  });

  it("opens what Nextcloud needs: the ingress controller to its port, it and its CronJob to its database", () => {
    expect(net.allows(traefik, nextcloud, 80)).toBe(true);
    expect(net.allows(traefik, nextcloud, "http")).toBe(true);
    expect(net.allows(nextcloud, nextcloudDb, 5432)).toBe(true);
    expect(net.allows(cron, nextcloudDb, 5432)).toBe(true);
    // The example's extension: HTTPS to the internet (app store, updates), nothing else outside.
    expect(net.allows(nextcloud, addr("203.0.113.10"), 443)).toBe(true);
  });

  it("closes the paths next to them", () => {
    expect(net.allows(nextcloud, minifluxDb, 5432), "nextcloud -> another app's database").toBe(false);
    expect(net.allows(miniflux, nextcloudDb, 5432), "miniflux -> another app's database").toBe(false);
    expect(net.allows(nextcloud, miniflux, 8080), "an app -> another app's pod").toBe(false);
    expect(net.allows(traefik, nextcloudDb, 5432), "the ingress controller -> a database").toBe(false);
    expect(net.allows(traefik, nextcloud, 8080), "the ingress controller -> another port").toBe(false);
    expect(net.allows(addr(lanClient), nextcloud, 80), "the LAN -> the app, past the ingress").toBe(false);
    expect(net.allows(wireguard, nextcloud, 80), "the VPN gateway -> the app, past the ingress").toBe(false);
    expect(net.allows(nextcloud, addr(agent), 22), "an app -> a LAN host's ssh").toBe(false);
    expect(net.allows(nextcloud, addr(agent), 443), "an app -> the LAN on 443 (the internet only)").toBe(false);
    expect(net.allows(nextcloud, addr(server), 6443), "an app -> the API server").toBe(false);
    expect(net.allows(nextcloud, addr("1.1.1.1"), 53, "UDP"), "an app -> a public resolver").toBe(false);
    expect(net.allows(operator, nextcloud, 80), "the operator -> the app").toBe(false);
  });

  it("opens what CloudNativePG needs: the operator to the instances, replication, the API server", () => {
    expect(net.allows(operator, nextcloudDb, 8000)).toBe(true);
    expect(net.allows(operator, nextcloudDb, "status")).toBe(true);
    expect(net.allows(operator, nextcloudDb, 5432)).toBe(true);
    expect(net.allows(nextcloudDb, nextcloudDb, 5432)).toBe(true);
    expect(net.allows(nextcloudDb, addr(server), 6443)).toBe(true);
    expect(net.allows(nextcloudDb, addr(agent), 6443), "an agent runs no API server").toBe(false);
    expect(net.allows(nextcloudDb, minifluxDb, 5432), "replication stays within one cluster").toBe(false);
    expect(net.allows(nextcloudDb, addr("203.0.113.10"), 443), "no backup, no object store").toBe(false);
    expect(net.allows(nextcloudDb, nextcloudDb, 9187), "metrics: nobody scrapes them").toBe(false);
  });

  it("opens the WireGuard port to anyone, over UDP only; the gateway routes its users anywhere", () => {
    expect(net.allows(addr("203.0.113.99"), wireguard, listenPort, "UDP")).toBe(true);
    expect(net.allows(addr(lanClient), wireguard, listenPort, "UDP")).toBe(true);
    expect(net.allows(addr("203.0.113.99"), wireguard, listenPort, "TCP")).toBe(false);
    expect(net.allows(addr("203.0.113.99"), wireguard, listenPort + 1, "UDP")).toBe(false);
    expect(net.allows(wireguard, addr(agent), 22)).toBe(true);
    expect(net.allows(wireguard, pihole, 53, "UDP")).toBe(true);
  });

  it("opens Pi-hole's DNS to the LAN, the VPN and the pods, its UI to the ingress, egress to its upstreams", () => {
    expect(net.allows(addr(lanClient), pihole, 53, "UDP")).toBe(true);
    expect(net.allows(addr(lanClient), pihole, 53, "TCP")).toBe(true);
    expect(net.allows(addr(lab.vpn!.users[0]!.address.toString()), pihole, 53, "UDP")).toBe(true);
    expect(net.allows(traefik, pihole, 80)).toBe(true);
    for (const upstream of lab.upstreamDns) expect(net.allows(pihole, addr(upstream.toString()), 53, "UDP")).toBe(true);
    expect(net.allows(pihole, addr("203.0.113.10"), 443), "blocklists").toBe(true);
    expect(net.allows(addr(lanClient), pihole, 80), "the UI only through the ingress").toBe(false);
    expect(net.allows(addr("203.0.113.99"), pihole, 53, "UDP"), "not an open resolver").toBe(false);
    expect(net.allows(pihole, addr("203.0.113.10"), 53, "UDP"), "only the model's upstreams").toBe(false);
    expect(net.allows(pihole, addr(agent), 443), "the LAN is not the internet").toBe(false);
    expect(net.allows(pihole, nextcloud, 80)).toBe(false);
  });
});

describe("NetworkPolicies with the monitoring stack", () => {
  const monitored = synthSpec(monitoringSpec, (app: HomelabApp) => {
    monitoringKubernetes()(app);
    new PostgresApp(app.apps, "miniflux", {
      image: "ghcr.io/miniflux/miniflux:2.2.6-distroless",
      port: 8080,
      ingress: { subdomain: "rss" },
      metrics: { port: 9090 },
    });
  });
  const prometheusPod = {
    namespace: "monitoring",
    name: "prometheus",
    labels: { "app.kubernetes.io/name": "prometheus", prometheus: "kube-prometheus-stack-prometheus" },
    ports: [{ name: "web", port: 9090 }],
  };
  const mnet = NetworkPolicyEvaluator.fromDocuments(monitored.documents, { pods: [K3S_COREDNS_POD, prometheusPod] });
  const prometheus = mnet.pod("monitoring", "prometheus");

  it("lets Prometheus scrape an app's metrics port and CNPG's exporter, and nothing else there", () => {
    expect(monitored.findAll("ServiceMonitor", { namespace: "miniflux" })).toHaveLength(1);
    expect(monitored.findAll("PodMonitor", { namespace: "miniflux" })).toHaveLength(1);
    const app = mnet.pod("miniflux", "miniflux");
    const db = mnet.pod("miniflux", "miniflux-db");
    expect(mnet.allows(prometheus, app, 9090)).toBe(true);
    expect(mnet.allows(prometheus, app, 8080)).toBe(false);
    expect(mnet.allows(prometheus, db, 9187)).toBe(true);
    expect(mnet.allows(prometheus, db, 5432)).toBe(false);
    // Another pod of the monitoring namespace (Grafana) is not Prometheus.
    const grafana = { ...prometheusPod, name: "grafana", labels: { "app.kubernetes.io/name": "grafana" } };
    const withGrafana = NetworkPolicyEvaluator.fromDocuments(monitored.documents, { pods: [grafana] });
    expect(withGrafana.allows(withGrafana.pod("monitoring", "grafana"), app, 9090)).toBe(false);
  });
});
