import { describe, expect, it } from "vitest";
import { NetworkPolicyEvaluator, selectorMatches } from "../lib/testing/network-policy.js";

const ns = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels },
});
const deployment = (namespace: string, name: string, labels: Record<string, string>, ports: object[] = []) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace },
  spec: { template: { metadata: { labels }, spec: { containers: [{ name, ports }] } } },
});
const policy = (namespace: string, name: string, spec: object) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name, namespace },
  spec,
});
const addr = NetworkPolicyEvaluator.address;

const base = [
  ns("a", { team: "red" }),
  ns("b", { team: "blue" }),
  deployment("a", "web", { app: "web" }, [{ name: "http", containerPort: 8080 }]),
  deployment("a", "api", { app: "api" }, [{ containerPort: 9000 }]),
  deployment("b", "client", { app: "client" }),
  deployment("b", "dns", { app: "dns" }, [{ name: "dns", containerPort: 53, protocol: "UDP" }]),
];

describe("NetworkPolicyEvaluator: Kubernetes semantics", () => {
  it("without policies everything is allowed; a default deny closes ingress of the selected pods only", () => {
    const open = NetworkPolicyEvaluator.fromDocuments(base);
    expect(open.allows(open.pod("b", "client"), open.pod("a", "web"), 8080)).toBe(true);
    const net = NetworkPolicyEvaluator.fromDocuments([...base, policy("a", "deny", { podSelector: {} })]);
    expect(net.allows(net.pod("b", "client"), net.pod("a", "web"), 8080)).toBe(false);
    // policyTypes left out and no egress rules: only ingress is isolated, egress from a stays open.
    expect(net.allows(net.pod("a", "web"), net.pod("b", "client"), 80)).toBe(true);
    expect(net.allows(net.pod("a", "web"), addr("192.168.1.20"), 22)).toBe(true);
  });

  it("egress isolation needs policyTypes Egress; allows are a union over the policies", () => {
    const net = NetworkPolicyEvaluator.fromDocuments([
      ...base,
      policy("a", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      policy("a", "web-to-api", {
        podSelector: { matchLabels: { app: "web" } },
        policyTypes: ["Egress"],
        egress: [{ to: [{ podSelector: { matchLabels: { app: "api" } } }], ports: [{ port: 9000 }] }],
      }),
      policy("a", "api-from-web", {
        podSelector: { matchLabels: { app: "api" } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }],
      }),
    ]);
    expect(net.allows(net.pod("a", "web"), net.pod("a", "api"), 9000)).toBe(true);
    expect(net.allows(net.pod("a", "web"), net.pod("a", "api"), 9001)).toBe(false); // egress port
    expect(net.allows(net.pod("a", "api"), net.pod("a", "web"), 8080)).toBe(false);
    expect(net.allows(net.pod("a", "web"), addr("1.1.1.1"), 443)).toBe(false);
  });

  it("namespaceSelector and podSelector in one peer are an AND; in two peers an OR", () => {
    const and = NetworkPolicyEvaluator.fromDocuments([
      ...base,
      deployment("a", "other", { app: "client" }),
      policy("a", "web", {
        podSelector: { matchLabels: { app: "web" } },
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { team: "blue" } }, podSelector: { matchLabels: { app: "client" } } },
            ],
          },
        ],
      }),
    ]);
    expect(and.allows(and.pod("b", "client"), and.pod("a", "web"), 8080)).toBe(true);
    expect(and.allows(and.pod("b", "dns"), and.pod("a", "web"), 8080)).toBe(false);
    expect(and.allows(and.pod("a", "other"), and.pod("a", "web"), 8080)).toBe(false); // right label, wrong namespace
    const or = NetworkPolicyEvaluator.fromDocuments([
      ...base,
      policy("a", "web", {
        podSelector: { matchLabels: { app: "web" } },
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { team: "blue" } } },
              { podSelector: { matchLabels: { app: "api" } } },
            ],
          },
        ],
      }),
    ]);
    expect(or.allows(or.pod("b", "dns"), or.pod("a", "web"), 8080)).toBe(true);
    expect(or.allows(or.pod("a", "api"), or.pod("a", "web"), 8080)).toBe(true);
  });

  it("a podSelector alone means the policy's own namespace; kubernetes.io/metadata.name is always set", () => {
    const net = NetworkPolicyEvaluator.fromDocuments([
      ...base,
      deployment("b", "web", { app: "web" }),
      policy("a", "api", {
        podSelector: { matchLabels: { app: "api" } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }],
      }),
      policy("b", "dns", {
        podSelector: { matchLabels: { app: "dns" } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "a" } } }] }],
      }),
    ]);
    expect(net.allows(net.pod("a", "web"), net.pod("a", "api"), 9000)).toBe(true);
    expect(net.allows(net.pod("b", "web"), net.pod("a", "api"), 9000)).toBe(false);
    expect(net.allows(net.pod("a", "web"), net.pod("b", "dns"), 53, "UDP")).toBe(true);
    expect(net.allows(net.pod("b", "client"), net.pod("b", "dns"), 53, "UDP")).toBe(false);
  });

  it("ipBlock with except matches outside addresses only, never pods", () => {
    const net = NetworkPolicyEvaluator.fromDocuments([
      ...base,
      policy("a", "web", {
        podSelector: { matchLabels: { app: "web" } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "192.168.0.0/16"] } }] }],
      }),
    ]);
    expect(net.allows(addr("203.0.113.7"), net.pod("a", "web"), 8080)).toBe(true);
    expect(net.allows(net.pod("b", "client"), net.pod("a", "web"), 8080)).toBe(false);
    expect(net.allows(net.pod("a", "web"), addr("1.1.1.1"), 443)).toBe(true);
    expect(net.allows(net.pod("a", "web"), addr("192.168.1.11"), 443)).toBe(false);
    expect(net.allows(net.pod("a", "web"), net.pod("a", "api"), 9000)).toBe(false);
  });

  it("ports: protocol defaults to TCP, named ports resolve on the destination, endPort makes a range", () => {
    const net = NetworkPolicyEvaluator.fromDocuments([
      ...base,
      policy("a", "web", {
        podSelector: { matchLabels: { app: "web" } },
        ingress: [{ ports: [{ port: "http" }] }],
      }),
      policy("b", "dns", { podSelector: { matchLabels: { app: "dns" } }, ingress: [{ ports: [{ port: 53 }] }] }),
      policy("a", "api", {
        podSelector: { matchLabels: { app: "api" } },
        ingress: [{ ports: [{ port: 8990, endPort: 9000 }] }],
      }),
    ]);
    expect(net.allows(net.pod("b", "client"), net.pod("a", "web"), 8080)).toBe(true);
    expect(net.allows(net.pod("b", "client"), net.pod("a", "web"), "http")).toBe(true);
    expect(net.allows(net.pod("b", "client"), net.pod("a", "web"), 8080, "UDP")).toBe(false);
    expect(net.allows(net.pod("a", "web"), net.pod("b", "dns"), 53, "UDP")).toBe(false); // port 53 means TCP
    expect(net.allows(net.pod("a", "web"), net.pod("b", "dns"), 53, "TCP")).toBe(true);
    expect(net.allows(net.pod("b", "client"), net.pod("a", "api"), 9000)).toBe(true);
    expect(net.allows(net.pod("b", "client"), net.pod("a", "api"), 9001)).toBe(false);
    expect(() => net.allows(net.pod("b", "client"), net.pod("a", "api"), "http")).toThrow(/no TCP port named "http"/);
  });

  it("label selectors: matchExpressions In, NotIn, Exists, DoesNotExist", () => {
    const labels = { app: "web", tier: "front" };
    expect(
      selectorMatches({ matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] }, labels),
    ).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] }, labels)).toBe(
      false,
    );
    expect(selectorMatches({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: "web", tier: "back" } }, labels)).toBe(false);
    expect(selectorMatches({}, labels)).toBe(true);
  });

  it("CloudNativePG Clusters become instance pods with the postgresql and status ports", () => {
    const net = NetworkPolicyEvaluator.fromDocuments([
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: { name: "db", namespace: "a" },
        spec: { instances: 1 },
      },
      policy("a", "db", {
        podSelector: { matchLabels: { "cnpg.io/cluster": "db" } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ port: "postgresql" }] }],
      }),
      ...base,
    ]);
    expect(net.allows(net.pod("a", "web"), net.pod("a", "db"), 5432)).toBe(true);
    expect(net.allows(net.pod("a", "web"), net.pod("a", "db"), "status")).toBe(false);
    expect(() => net.pod("a", "nope")).toThrow(/no pod a\/nope .*a\/db/);
  });
});
