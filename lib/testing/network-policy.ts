/**
 * An in-process NetworkPolicy evaluator: given rendered documents, answers "may pod A reach pod B on
 * port P?" and "may pod A reach the address X on port P?" the way Kubernetes defines NetworkPolicy
 * (networking.k8s.io/v1), which k3s's embedded policy controller (kube-router) enforces.
 *
 * - Pods come from the pod templates of Deployments, StatefulSets, DaemonSets, Jobs and CronJobs, and from
 *   CloudNativePG `Cluster`s (instance pods labelled `cnpg.io/cluster`, ports 5432 `postgresql`,
 *   8000 `status`, 9187 `metrics`). Pods the documents do not show (a Helm chart's, CoreDNS) are added
 *   with {@link NetworkPolicyEvaluatorOptions.pods}.
 * - A pod is isolated for ingress (egress) only when a policy of its namespace selects it with that
 *   policy type; then a connection is allowed when any rule of any such policy allows it (a union).
 * - A peer with `namespaceSelector` and `podSelector` matches pods that satisfy both; `podSelector` alone
 *   means the policy's namespace; `ipBlock` (with `except`) matches addresses outside the cluster.
 *   Kubernetes leaves it to the implementation whether an ipBlock matches pod addresses: here it never does.
 * - Ports: protocol defaults to TCP; a named port is resolved against the destination pod's container
 *   ports; `endPort` makes a range.
 *
 * ```ts
 * const net = NetworkPolicyEvaluator.fromDocuments(synthLab(lab).documents);
 * expect(net.allows(net.pod("nextcloud", "nextcloud"), net.pod("nextcloud", "nextcloud-db"), 5432)).toBe(true);
 * const lanHost = NetworkPolicyEvaluator.address("192.168.1.11");
 * expect(net.allows(net.pod("nextcloud", "nextcloud"), lanHost, 22)).toBe(false);
 * ```
 */
import { Cidr, Ip } from "../model/ip.js";

/** A transport protocol of a NetworkPolicy port. */
export type NetworkProtocol = "TCP" | "UDP" | "SCTP";

/** A container port of a pod, as the evaluator sees it. */
export interface PodPort {
  /** The port number. */
  readonly port: number;
  /**
   * The port's name (what named ports in policies refer to).
   * @default undefined - unnamed
   */
  readonly name?: string;
  /**
   * The protocol.
   * @default "TCP"
   */
  readonly protocol?: NetworkProtocol;
}

/** A pod the evaluator knows: where it runs, its labels and container ports. */
export interface PodEndpoint {
  readonly kind: "pod";
  readonly namespace: string;
  /** The name of the object that makes it (Deployment, StatefulSet, CNPG Cluster, ...), or the name given. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly PodPort[];
}

/** An address outside the cluster's pod network (a LAN host, a node, the internet). */
export interface AddressEndpoint {
  readonly kind: "address";
  readonly ip: string;
}

/** Either end of a connection. */
export type Endpoint = PodEndpoint | AddressEndpoint;

/** A pod not in the documents (made by a Helm chart or by k3s itself). */
export interface ExtraPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Its container ports (named ports in policies resolve against them).
   * @default [] - none
   */
  readonly ports?: readonly PodPort[];
}

/** Options of {@link NetworkPolicyEvaluator.fromDocuments}. */
export interface NetworkPolicyEvaluatorOptions {
  /**
   * Pods the documents do not show, e.g. CoreDNS in kube-system or a Helm chart's controller.
   * @default [] - only the pods of the documents
   */
  readonly pods?: readonly ExtraPod[];
  /**
   * Labels of namespaces the documents do not create (each also gets `kubernetes.io/metadata.name`).
   * @default {} - namespaces of the pods get only `kubernetes.io/metadata.name`
   */
  readonly namespaceLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** The pods that run CoreDNS in a k3s cluster (`kube-system`, `k8s-app: kube-dns`, port 53 UDP and TCP). */
export const K3S_COREDNS_POD: ExtraPod = {
  namespace: "kube-system",
  name: "coredns",
  labels: { "k8s-app": "kube-dns" },
  ports: [
    { name: "dns", port: 53, protocol: "UDP" },
    { name: "dns-tcp", port: 53, protocol: "TCP" },
  ],
};

type Labels = Readonly<Record<string, string>>;

interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: string;
    readonly values?: readonly string[];
  }[];
}

interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

interface PolicyPort {
  readonly port?: number | string;
  readonly endPort?: number;
  readonly protocol?: NetworkProtocol;
}

interface PolicyRule {
  readonly from?: readonly PolicyPeer[];
  readonly to?: readonly PolicyPeer[];
  readonly ports?: readonly PolicyPort[];
}

interface Policy {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  readonly types: readonly ("Ingress" | "Egress")[];
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
}

interface RawDoc {
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown; readonly labels?: unknown };
  readonly spec?: any;
}

/** Whether `selector` selects `labels` (an empty selector selects everything). */
export function selectorMatches(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (selector === undefined) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(labels[e.key]!)) return false;
        break;
      case "NotIn":
        if (has && values.includes(labels[e.key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        throw new Error(`label selector operator "${e.operator}" is not one of In, NotIn, Exists, DoesNotExist`);
    }
  }
  return true;
}

function labelsOf(value: unknown): Labels {
  return value !== null && typeof value === "object" ? (value as Labels) : {};
}

function containerPorts(podSpec: any): PodPort[] {
  const ports: PodPort[] = [];
  for (const c of [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])]) {
    for (const p of c?.ports ?? []) {
      ports.push({
        port: p.containerPort,
        ...(p.name !== undefined ? { name: p.name } : {}),
        protocol: p.protocol ?? "TCP",
      });
    }
  }
  return ports;
}

/** The pod template of a workload document, or undefined. */
function podTemplate(doc: RawDoc): { labels: Labels; spec: unknown } | undefined {
  const spec = doc.spec;
  switch (doc.kind) {
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return { labels: labelsOf(spec?.template?.metadata?.labels), spec: spec?.template?.spec };
    case "CronJob":
      return {
        labels: labelsOf(spec?.jobTemplate?.spec?.template?.metadata?.labels),
        spec: spec?.jobTemplate?.spec?.template?.spec,
      };
    case "Pod":
      return { labels: labelsOf(doc.metadata?.labels), spec };
    default:
      return undefined;
  }
}

/** The ports of a CloudNativePG instance pod (the operator's instance manager). */
const CNPG_INSTANCE_PORTS: readonly PodPort[] = [
  { name: "postgresql", port: 5432, protocol: "TCP" },
  { name: "status", port: 8000, protocol: "TCP" },
  { name: "metrics", port: 9187, protocol: "TCP" },
];

function toPolicy(doc: RawDoc, namespace: string): Policy {
  const spec = doc.spec ?? {};
  const ingress: PolicyRule[] = spec.ingress ?? [];
  const egress: PolicyRule[] = spec.egress ?? [];
  // Kubernetes' default: Ingress always, Egress when the policy has egress rules.
  const types: ("Ingress" | "Egress")[] = spec.policyTypes ?? (egress.length > 0 ? ["Ingress", "Egress"] : ["Ingress"]);
  return {
    namespace,
    name: String(doc.metadata?.name),
    podSelector: spec.podSelector ?? {},
    types,
    ingress,
    egress,
  };
}

/** Answers reachability questions over NetworkPolicies, following Kubernetes' semantics. */
export class NetworkPolicyEvaluator {
  /** An address outside the pod network (a LAN host, a node, a public resolver). */
  static address(ip: string): AddressEndpoint {
    Ip.of(ip);
    return { kind: "address", ip };
  }

  /**
   * Reads pods, namespaces and NetworkPolicies from rendered documents (e.g. `synthLab(lab).documents`).
   * Every namespace carries `kubernetes.io/metadata.name`, as the API server sets it.
   */
  static fromDocuments(
    documents: readonly unknown[],
    options: NetworkPolicyEvaluatorOptions = {},
  ): NetworkPolicyEvaluator {
    const pods: PodEndpoint[] = [];
    const policies: Policy[] = [];
    const namespaces = new Map<string, Labels>();
    for (const [name, labels] of Object.entries(options.namespaceLabels ?? {})) namespaces.set(name, { ...labels });
    for (const raw of documents) {
      const doc = raw as RawDoc;
      const name = String(doc.metadata?.name);
      const namespace = typeof doc.metadata?.namespace === "string" ? doc.metadata.namespace : "default";
      if (doc.kind === "Namespace") {
        namespaces.set(name, { ...(namespaces.get(name) ?? {}), ...labelsOf(doc.metadata?.labels) });
        continue;
      }
      if (doc.kind === "NetworkPolicy") {
        policies.push(toPolicy(doc, namespace));
        continue;
      }
      if (doc.kind === "Cluster" && typeof doc.spec?.instances === "number") {
        pods.push({
          kind: "pod",
          namespace,
          name,
          labels: { "cnpg.io/cluster": name, "cnpg.io/podRole": "instance" },
          ports: CNPG_INSTANCE_PORTS,
        });
        continue;
      }
      const template = podTemplate(doc);
      if (template !== undefined) {
        pods.push({ kind: "pod", namespace, name, labels: template.labels, ports: containerPorts(template.spec) });
      }
    }
    for (const p of options.pods ?? []) {
      pods.push({ kind: "pod", namespace: p.namespace, name: p.name, labels: p.labels, ports: p.ports ?? [] });
    }
    for (const p of pods) if (!namespaces.has(p.namespace)) namespaces.set(p.namespace, {});
    const withName = new Map(
      [...namespaces].map(([n, labels]) => [n, { ...labels, "kubernetes.io/metadata.name": n }] as const),
    );
    return new NetworkPolicyEvaluator(pods, policies, withName);
  }

  private constructor(
    /** Every pod the evaluator knows. */
    readonly pods: readonly PodEndpoint[],
    private readonly policies: readonly Policy[],
    private readonly namespaces: ReadonlyMap<string, Labels>,
  ) {}

  /**
   * The pod made by the object `name` in `namespace` (a Deployment, CNPG Cluster, CronJob, or an extra pod).
   * @throws Error listing the known pods when there is none
   */
  pod(namespace: string, name: string): PodEndpoint {
    const found = this.pods.find((p) => p.namespace === namespace && p.name === name);
    if (found === undefined) {
      const known = this.pods.map((p) => `${p.namespace}/${p.name}`).join(", ") || "none";
      throw new Error(`no pod ${namespace}/${name} in the documents (pods: ${known})`);
    }
    return found;
  }

  /** The NetworkPolicies of `namespace` (names), e.g. to assert a namespace is isolated. */
  policiesIn(namespace: string): readonly string[] {
    return this.policies.filter((p) => p.namespace === namespace).map((p) => p.name);
  }

  /**
   * Whether a connection from `from` to `to` on `port` (a number, or a container port name of a
   * destination pod) and `protocol` is allowed by both sides' policies.
   * @default protocol "TCP"
   */
  allows(from: Endpoint, to: Endpoint, port: number | string, protocol: NetworkProtocol = "TCP"): boolean {
    const number = this.resolvePort(to, port, protocol);
    if (number === undefined) return false;
    return this.egressAllows(from, to, number, protocol) && this.ingressAllows(from, to, number, protocol);
  }

  private resolvePort(to: Endpoint, port: number | string, protocol: NetworkProtocol): number | undefined {
    if (typeof port === "number") return port;
    if (to.kind !== "pod") throw new Error(`a named port ("${port}") needs a pod as the destination`);
    const found = to.ports.find((p) => p.name === port && (p.protocol ?? "TCP") === protocol);
    if (found === undefined) {
      throw new Error(`pod ${to.namespace}/${to.name} has no ${protocol} port named "${port}"`);
    }
    return found.port;
  }

  private selecting(pod: PodEndpoint, type: "Ingress" | "Egress"): Policy[] {
    return this.policies.filter(
      (p) => p.namespace === pod.namespace && p.types.includes(type) && selectorMatches(p.podSelector, pod.labels),
    );
  }

  private egressAllows(from: Endpoint, to: Endpoint, port: number, protocol: NetworkProtocol): boolean {
    if (from.kind !== "pod") return true; // traffic from outside is governed by the destination's ingress only
    const policies = this.selecting(from, "Egress");
    if (policies.length === 0) return true;
    return policies.some((p) =>
      p.egress.some((rule) => this.ruleAllows(p, rule.to, rule.ports, to, to, port, protocol)),
    );
  }

  private ingressAllows(from: Endpoint, to: Endpoint, port: number, protocol: NetworkProtocol): boolean {
    if (to.kind !== "pod") return true;
    const policies = this.selecting(to, "Ingress");
    if (policies.length === 0) return true;
    return policies.some((p) =>
      p.ingress.some((rule) => this.ruleAllows(p, rule.from, rule.ports, from, to, port, protocol)),
    );
  }

  /** One rule: its peers (absent = everyone) match `peer`, and its ports (absent = all) match the port. */
  private ruleAllows(
    policy: Policy,
    peers: readonly PolicyPeer[] | undefined,
    ports: readonly PolicyPort[] | undefined,
    peer: Endpoint,
    destination: Endpoint,
    port: number,
    protocol: NetworkProtocol,
  ): boolean {
    const peerOk = peers === undefined || peers.length === 0 || peers.some((p) => this.peerMatches(policy, p, peer));
    if (!peerOk) return false;
    if (ports === undefined || ports.length === 0) return true;
    return ports.some((p) => portMatches(p, destination, port, protocol));
  }

  private peerMatches(policy: Policy, peer: PolicyPeer, endpoint: Endpoint): boolean {
    if (peer.ipBlock !== undefined) {
      if (endpoint.kind !== "address") return false;
      const ip = Ip.of(endpoint.ip);
      if (!Cidr.of(peer.ipBlock.cidr).contains(ip)) return false;
      return !(peer.ipBlock.except ?? []).some((c) => Cidr.of(c).contains(ip));
    }
    if (endpoint.kind !== "pod") return false;
    if (peer.namespaceSelector === undefined && peer.podSelector === undefined) return false;
    const namespaceOk =
      peer.namespaceSelector === undefined
        ? endpoint.namespace === policy.namespace
        : selectorMatches(peer.namespaceSelector, this.namespaces.get(endpoint.namespace) ?? {});
    return namespaceOk && selectorMatches(peer.podSelector, endpoint.labels);
  }
}

function portMatches(p: PolicyPort, destination: Endpoint, port: number, protocol: NetworkProtocol): boolean {
  if ((p.protocol ?? "TCP") !== protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === "string") {
    // A named port matches when the destination pod has a container port of that name, number and protocol.
    if (destination.kind !== "pod") return false;
    return destination.ports.some((c) => c.name === p.port && c.port === port && (c.protocol ?? "TCP") === protocol);
  }
  if (p.endPort !== undefined) return port >= p.port && port <= p.endPort;
  return port === p.port;
}
