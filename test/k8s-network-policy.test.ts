/**
 * The construct side of NetworkPolicies (lib/k8s/app-network-policy.ts, network-peer.ts) on a small lab
 * (test/fixtures/small-lab.ts): one `default-deny` per namespace however many apps share it, which denies
 * everything but DNS to CoreDNS (the same answers as the former pair default-deny + allow-dns), an app's
 * policy with only what was asked for, and a peer the model leaves empty that renders no rule (an empty
 * `to` would mean "everyone").
 */
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { AppNetworkPolicy, isolateNamespace } from "../lib/k8s/app-network-policy.js";
import { AppCronJob, IngressedService, Workload } from "../lib/k8s/apps/index.js";
import { NetworkPeer } from "../lib/k8s/network-peer.js";
import { ensureNamespace } from "../lib/k8s/namespace.js";
import { Homelab } from "../lib/model/index.js";
import { synthSpec } from "../lib/testing/index.js";
import {
  K3S_COREDNS_POD,
  NetworkPolicyEvaluator,
  type Endpoint,
  type ExtraPod,
} from "../lib/testing/network-policy.js";
import { smallSpec } from "./fixtures/small-lab.js";
import { odroidDhcpLab } from "./fixtures/odroid-dhcp-lab.js";

const image = "nginxinc/nginx-unprivileged:1.27";
const lab = Homelab.create(smallSpec);

/** The one egress rule of a namespace's `default-deny`: DNS to CoreDNS (kube-system, k8s-app: kube-dns). */
const DNS_RULE = {
  to: [
    {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
    },
  ],
  ports: [
    { port: 53, protocol: "UDP" },
    { port: 53, protocol: "TCP" },
  ],
};

/** A namespace `tool` isolated by isolateNamespace alone: its only NetworkPolicy is `default-deny`. */
const isolated = synthSpec(smallSpec, (app) => {
  const scope = new Construct(app.apps, "tool");
  isolateNamespace(scope, ensureNamespace(scope, "tool"));
});
const pod = (namespace: string, name: string, labels: Record<string, string>): ExtraPod => ({
  namespace,
  name,
  labels,
  ports: [{ name: "http", port: 8080 }],
});
/** Pods the documents do not show: two in `tool`, CoreDNS, another kube-system pod, one elsewhere. */
const extraPods: ExtraPod[] = [
  pod("tool", "tool", { "app.kubernetes.io/name": "tool" }),
  pod("tool", "helper", { "app.kubernetes.io/name": "helper" }),
  K3S_COREDNS_POD,
  pod("kube-system", "metrics-server", { "k8s-app": "metrics-server" }),
  pod("elsewhere", "client", { app: "client" }),
];

describe("NetworkPolicies made by the constructs", () => {
  it("one default-deny per namespace, however many apps share it", () => {
    const out = synthSpec(smallSpec, (app) => {
      new Workload(app.apps, "api", { image, port: 8080, namespace: "shop" });
      new Workload(app.apps, "worker", { image, port: 8081, namespace: "shop" });
      new IngressedService(app.apps, "grafana", { image: "docker.io/grafana/grafana:12.1.0", port: 3000 });
    });
    const names = (ns: string) => out.findAll("NetworkPolicy", { namespace: ns }).map((p) => p.metadata.name);
    expect(names("shop").sort()).toEqual(["api", "default-deny", "worker"]);
    expect(names("grafana").sort()).toEqual(["default-deny", "grafana"]);
    // Every pod, both directions isolated, no ingress rule, one egress rule: DNS to CoreDNS.
    for (const ns of ["shop", "grafana"]) {
      expect(out.find("NetworkPolicy", { namespace: ns, name: "default-deny" }).spec, ns).toEqual({
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        egress: [DNS_RULE],
      });
    }
    // A Workload without an Ingress is reached by nobody until it says who may.
    const api = out.find("NetworkPolicy", { namespace: "shop", name: "api" });
    expect(api.spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "api" } },
      policyTypes: ["Ingress", "Egress"],
    });
    const net = NetworkPolicyEvaluator.fromDocuments(out.documents, { pods: [K3S_COREDNS_POD] });
    expect(net.allows(net.pod("shop", "worker"), net.pod("shop", "api"), 8080)).toBe(false);
    expect(net.allows(net.pod("shop", "worker"), net.pod("kube-system", "coredns"), 53, "UDP")).toBe(true);
  });

  it("default-deny alone lets a pod reach CoreDNS on 53/udp and 53/tcp, and nothing else", () => {
    expect(isolated.findAll("NetworkPolicy").map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      "tool/default-deny",
    ]);
    const net = NetworkPolicyEvaluator.fromDocuments(isolated.documents, { pods: extraPods });
    expect(net.policiesIn("tool")).toEqual(["default-deny"]);
    const tool = net.pod("tool", "tool");
    const dns = net.pod("kube-system", "coredns");
    const metrics = net.pod("kube-system", "metrics-server");
    const addr = NetworkPolicyEvaluator.address;
    expect(net.allows(tool, dns, 53, "UDP")).toBe(true);
    expect(net.allows(tool, dns, 53, "TCP")).toBe(true);
    // Not another port of CoreDNS (its metrics on 9153, 54, 5353), not another protocol.
    for (const port of [9153, 54, 5353]) {
      expect(net.allows(tool, dns, port, "TCP"), `-> coredns:${port}/tcp`).toBe(false);
      expect(net.allows(tool, dns, port, "UDP"), `-> coredns:${port}/udp`).toBe(false);
    }
    expect(net.allows(tool, dns, 53, "SCTP")).toBe(false);
    // Not another kube-system pod, even on 53; not a resolver outside, not a pod of its own namespace.
    expect(net.allows(tool, metrics, 53, "UDP")).toBe(false);
    expect(net.allows(tool, metrics, 53, "TCP")).toBe(false);
    expect(net.allows(tool, metrics, 8080)).toBe(false);
    expect(net.allows(tool, addr("1.1.1.1"), 53, "UDP")).toBe(false);
    expect(net.allows(tool, addr("10.0.20.11"), 53, "UDP")).toBe(false);
    expect(net.allows(tool, net.pod("tool", "helper"), 53, "UDP")).toBe(false);
    expect(net.allows(tool, net.pod("tool", "helper"), 8080)).toBe(false);
    // Ingress stays closed: nobody may reach the pod, not its neighbour, not CoreDNS, not another namespace.
    for (const from of [net.pod("tool", "helper"), dns, net.pod("elsewhere", "client"), addr("10.0.20.50")]) {
      expect(net.allows(from, tool, 8080), `${from.kind === "pod" ? from.name : from.ip} -> tool`).toBe(false);
      expect(net.allows(from, tool, 53, "UDP")).toBe(false);
    }
  });

  it("default-deny gives the same answers as the former pair default-deny + allow-dns", () => {
    // What isolateNamespace rendered before the two were merged, written out as it was.
    const policy = (name: string, spec: object) => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name, namespace: "tool" },
      spec,
    });
    const formerPair = [
      policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      policy("allow-dns", { podSelector: {}, policyTypes: ["Egress"], egress: [DNS_RULE] }),
    ];
    const others = isolated.documents.filter((d: { kind?: unknown }) => d.kind !== "NetworkPolicy");
    const merged = NetworkPolicyEvaluator.fromDocuments(isolated.documents, { pods: extraPods });
    const former = NetworkPolicyEvaluator.fromDocuments([...others, ...formerPair], { pods: extraPods });
    const open = NetworkPolicyEvaluator.fromDocuments(others, { pods: extraPods });
    expect([...former.policiesIn("tool")].sort()).toEqual(["allow-dns", "default-deny"]);
    const endpoints: Endpoint[] = [
      ...extraPods.map((p) => merged.pod(p.namespace, p.name)),
      NetworkPolicyEvaluator.address("1.1.1.1"),
      NetworkPolicyEvaluator.address("10.0.20.11"),
    ];
    let allowed = 0;
    let denied = 0;
    let closedByPolicy = 0;
    for (const from of endpoints) {
      for (const to of endpoints) {
        if (from === to || (from.kind === "address" && to.kind === "address")) continue;
        for (const port of [53, 54, 443, 8080, 9153]) {
          for (const protocol of ["UDP", "TCP", "SCTP"] as const) {
            const answer = merged.allows(from, to, port, protocol);
            const where = `${JSON.stringify(from)} -> ${JSON.stringify(to)} ${port}/${protocol}`;
            expect(answer, where).toBe(former.allows(from, to, port, protocol));
            if (answer) allowed++;
            else denied++;
            if (!answer && open.allows(from, to, port, protocol)) closedByPolicy++;
          }
        }
      }
    }
    // Not a vacuous comparison: both answers occur, and the policy is what closes the denied paths.
    expect(allowed).toBeGreaterThan(0);
    expect(denied).toBeGreaterThan(0);
    expect(closedByPolicy).toBe(denied);
  });

  it("the user's allowIngress / allowEgress become rules of the app's policy, and its CronJob shares them", () => {
    const out = synthSpec(smallSpec, (app) => {
      const api = new Workload(app.apps, "api", {
        image,
        port: 8080,
        allowIngress: [{ from: NetworkPeer.lan(), ports: [8080] }],
        allowEgress: [{ to: NetworkPeer.cidr("10.0.20.50/32"), ports: [2049] }],
      });
      new AppCronJob(api, "sync", { workload: api, schedule: "@hourly", command: ["sync"] });
    });
    const net = NetworkPolicyEvaluator.fromDocuments(out.documents);
    const api = net.pod("api", "api");
    const job = net.pod("api", "api-sync");
    const addr = NetworkPolicyEvaluator.address;
    expect(net.allows(addr("10.0.20.77"), api, 8080)).toBe(true);
    expect(net.allows(addr("10.0.21.77"), api, 8080)).toBe(false);
    expect(net.allows(api, addr("10.0.20.50"), 2049)).toBe(true);
    expect(net.allows(job, addr("10.0.20.50"), 2049)).toBe(true);
    expect(net.allows(job, addr("10.0.20.51"), 2049)).toBe(false);
  });

  it("a peer the model leaves empty renders no rule, never an empty peer list (which means everyone)", () => {
    expect(lab.vpn).toBeUndefined();
    const out = synthSpec(smallSpec, (app) => {
      const scope = new Construct(app.apps, "tool");
      const policy = new AppNetworkPolicy(scope, "policy", {
        name: "tool",
        namespace: ensureNamespace(scope, "tool"),
        labelValue: "tool",
      });
      policy.allowIngress(NetworkPeer.vpnClients(), [{ port: 53, protocol: "UDP" }]);
      policy.allowEgress(NetworkPeer.apiServer(), [{ port: 6443 }]);
    });
    const spec = out.find("NetworkPolicy", { namespace: "tool", name: "tool" }).spec;
    expect(spec.ingress).toBeUndefined(); // isolated for ingress, nothing allowed
    expect(spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: "10.0.20.11/32" } }], ports: [{ port: 6443, protocol: "TCP" }] },
    ]);
  });

  it("the API server of a lab whose k3s servers are on DHCP is the LAN (no address to name), on 6443 only", () => {
    const dhcp = Homelab.create(odroidDhcpLab);
    expect(dhcp.hostsWith("k3s-server").every((h) => h.address === undefined)).toBe(true);
    expect(NetworkPeer.apiServer().render(dhcp, "x")).toEqual([{ ipBlock: { cidr: dhcp.lan.toString() } }]);
    expect(NetworkPeer.apiServer().render(lab, "x")).toEqual([{ ipBlock: { cidr: "10.0.20.11/32" } }]);
  });

  it("the internet excepts the private blocks and the lab's own networks", () => {
    const [peer] = NetworkPeer.internet().render(lab, "x");
    expect(peer!.ipBlock!.cidr).toBe("0.0.0.0/0");
    expect(peer!.ipBlock!.except).toEqual(
      expect.arrayContaining(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"]),
    );
    const net = NetworkPolicyEvaluator.fromDocuments([
      {
        kind: "Deployment",
        metadata: { name: "a", namespace: "a" },
        spec: { template: { metadata: { labels: { a: "a" } } } },
      },
      {
        kind: "NetworkPolicy",
        metadata: { name: "a", namespace: "a" },
        spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [peer] }] },
      },
    ]);
    const a = net.pod("a", "a");
    expect(net.allows(a, NetworkPolicyEvaluator.address("1.1.1.1"), 443)).toBe(true);
    for (const ip of ["10.0.20.11", "10.42.0.5", "10.43.0.1", "192.168.1.1", "172.20.0.1", "100.100.1.1"]) {
      expect(net.allows(a, NetworkPolicyEvaluator.address(ip), 443), ip).toBe(false);
    }
  });
});
