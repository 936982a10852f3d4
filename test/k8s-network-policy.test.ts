/**
 * The construct side of NetworkPolicies (lib/k8s/app-network-policy.ts, network-peer.ts) on a small lab
 * (test/fixtures/small-lab.ts): one default deny and one DNS allow per namespace however many apps share
 * it, an app's policy with only what was asked for, and a peer the model leaves empty that renders no rule
 * (an empty `to` would mean "everyone").
 */
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { AppNetworkPolicy } from "../lib/k8s/app-network-policy.js";
import { AppCronJob, IngressedService, Workload } from "../lib/k8s/apps/index.js";
import { NetworkPeer } from "../lib/k8s/network-peer.js";
import { ensureNamespace } from "../lib/k8s/namespace.js";
import { Homelab } from "../lib/model/index.js";
import { synthSpec } from "../lib/testing/index.js";
import { K3S_COREDNS_POD, NetworkPolicyEvaluator } from "../lib/testing/network-policy.js";
import { smallSpec } from "./fixtures/small-lab.js";
import { odroidDhcpLab } from "./fixtures/odroid-dhcp-lab.js";

const image = "nginxinc/nginx-unprivileged:1.27";
const lab = Homelab.create(smallSpec);

describe("NetworkPolicies made by the constructs", () => {
  it("one default-deny and one allow-dns per namespace, however many apps share it", () => {
    const out = synthSpec(smallSpec, (app) => {
      new Workload(app.apps, "api", { image, port: 8080, namespace: "shop" });
      new Workload(app.apps, "worker", { image, port: 8081, namespace: "shop" });
      new IngressedService(app.apps, "grafana", { image: "docker.io/grafana/grafana:12.1.0", port: 3000 });
    });
    const names = (ns: string) => out.findAll("NetworkPolicy", { namespace: ns }).map((p) => p.metadata.name);
    expect(names("shop").sort()).toEqual(["allow-dns", "api", "default-deny", "worker"]);
    expect(names("grafana").sort()).toEqual(["allow-dns", "default-deny", "grafana"]);
    expect(out.find("NetworkPolicy", { namespace: "shop", name: "default-deny" }).spec).toEqual({
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
    });
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
