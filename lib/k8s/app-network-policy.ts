/**
 * `AppNetworkPolicy`: the NetworkPolicy of one app's pods, both directions isolated, with the allows the
 * app's constructs declare (`allowIngress`, `allowEgress`) and the user's extra rules (`allowEgress` /
 * `allowIngress` props of the app constructs). Rendered when the lab renders, so a construct built
 * later (an AppCronJob of the app) can still add its pods and rules.
 *
 * With it, {@link isolateNamespace} gives every namespace the lab's constructs run pods in a
 * `default-deny` policy: every pod, both directions, nothing allowed but DNS lookups (egress to the
 * cluster DNS on port 53, UDP and TCP). Kubernetes takes the union of the policies that select a pod,
 * so a pod may do exactly what its app's policy allows, and DNS.
 */
import { ApiObject, Lazy } from "cdk8s";
import { Construct } from "constructs";
import { Homelab } from "../model/index.js";
import { describeValue } from "../model/problems.js";
import { commonLabels } from "./defaults.js";
import { HomelabApp } from "./homelab-app.js";
import { NetworkPeer, type LabelSelectorJson, type RenderedPeer } from "./network-peer.js";
import { isPlainObject, portProblem, propProblem } from "./props.js";

/** A transport protocol of a NetworkPolicy port. */
export type NetworkProtocol = "TCP" | "UDP";

/** A port of a NetworkPolicy rule. */
export interface NetworkPort {
  /** The port number, 1-65535. */
  readonly port: number;
  /**
   * The protocol.
   * @default "TCP"
   */
  readonly protocol?: NetworkProtocol;
}

/**
 * More egress for an app's pods than its constructs derive, e.g. an app that calls an API on the
 * internet: `allowEgress: [{ to: NetworkPeer.internet(), ports: [443] }]`.
 */
export interface EgressRule {
  /** Where the pods may connect to. */
  readonly to: NetworkPeer;
  /**
   * The destination ports.
   * @default undefined - every port
   */
  readonly ports?: readonly number[];
  /**
   * The protocol of {@link ports}.
   * @default "TCP"
   */
  readonly protocol?: NetworkProtocol;
}

/** More ingress for an app's pods than its constructs derive, e.g. a metrics scraper. */
export interface IngressRule {
  /** Who may connect. */
  readonly from: NetworkPeer;
  /**
   * The ports of the app's pods.
   * @default undefined - every port
   */
  readonly ports?: readonly number[];
  /**
   * The protocol of {@link ports}.
   * @default "TCP"
   */
  readonly protocol?: NetworkProtocol;
}

/** Props of an {@link AppNetworkPolicy}. */
export interface AppNetworkPolicyProps {
  /** The policy's name (unique in its namespace), e.g. the app's name. */
  readonly name: string;
  /** The namespace of the policy and the pods. */
  readonly namespace: string;
  /** The value of {@link labelKey} that selects the pods (more with `selectAlso`). */
  readonly labelValue: string;
  /**
   * The label the pods are selected by.
   * @default "app.kubernetes.io/name"
   */
  readonly labelKey?: string;
  /**
   * Labels of the policy object.
   * @default the lab's common labels (`app.kubernetes.io/part-of`, `app.kubernetes.io/managed-by`)
   */
  readonly labels?: Readonly<Record<string, string>>;
}

interface Rule {
  readonly peer: NetworkPeer;
  readonly ports: readonly NetworkPort[] | undefined;
}

/** The NetworkPolicy of one app's pods: ingress and egress isolated, then the allows added to it. */
export class AppNetworkPolicy extends Construct {
  /** The policy object (for escape hatches). */
  readonly policy: ApiObject;
  /** The policy's namespace. */
  readonly namespace: string;
  /** The label the pods are selected by. */
  readonly labelKey: string;
  private readonly labelValues: string[];
  private readonly ingressRules: Rule[] = [];
  private readonly egressRules: Rule[] = [];

  constructor(scope: Construct, id: string, props: AppNetworkPolicyProps) {
    super(scope, id);
    const lab = Homelab.of(this);
    this.namespace = props.namespace;
    this.labelKey = props.labelKey ?? "app.kubernetes.io/name";
    this.labelValues = [props.labelValue];
    this.policy = new ApiObject(this, "policy", {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { ...(props.labels ?? commonLabels(lab.name)) },
      },
      spec: Lazy.any({ produce: () => this.renderSpec(lab) }),
    });
  }

  /** Selects the pods whose {@link labelKey} is `value` too (e.g. the app's CronJob pods). */
  selectAlso(value: string): void {
    if (!this.labelValues.includes(value)) this.labelValues.push(value);
  }

  /**
   * Lets `from` connect to the pods on `ports`.
   * @default ports undefined - every port
   */
  allowIngress(from: NetworkPeer, ports?: readonly NetworkPort[]): void {
    this.ingressRules.push({ peer: from, ports });
  }

  /**
   * Lets the pods connect to `to` on `ports`.
   * @default ports undefined - every port
   */
  allowEgress(to: NetworkPeer, ports?: readonly NetworkPort[]): void {
    this.egressRules.push({ peer: to, ports });
  }

  /** The pods this policy selects, as a peer of other policies (rendered when the lab renders). */
  get pods(): NetworkPeer {
    return NetworkPeer.lazy(`the pods of ${this.node.path}`, (_lab, policyNamespace) => {
      const podSelector = this.podSelector();
      return this.namespace === policyNamespace
        ? [{ podSelector }]
        : [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": this.namespace } }, podSelector }];
    });
  }

  private podSelector(): LabelSelectorJson {
    return this.labelValues.length === 1
      ? { matchLabels: { [this.labelKey]: this.labelValues[0]! } }
      : { matchExpressions: [{ key: this.labelKey, operator: "In", values: [...this.labelValues] }] };
  }

  private renderSpec(lab: Homelab): Record<string, unknown> {
    const rules = (list: readonly Rule[], side: "from" | "to") => {
      const out: Record<string, unknown>[] = [];
      const seen = new Set<string>();
      for (const r of list) {
        const peers: RenderedPeer[] = r.peer.render(lab, this.namespace);
        // A peer the model leaves empty must not become an empty list: that would mean "everyone".
        if (peers.length === 0) continue;
        const rule = {
          [side]: peers,
          ...(r.ports !== undefined
            ? { ports: r.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP" })) }
            : {}),
        };
        const key = JSON.stringify(rule);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(rule);
      }
      return out;
    };
    const ingress = rules(this.ingressRules, "from");
    const egress = rules(this.egressRules, "to");
    return {
      podSelector: this.podSelector(),
      policyTypes: ["Ingress", "Egress"],
      ...(ingress.length > 0 ? { ingress } : {}),
      ...(egress.length > 0 ? { egress } : {}),
    };
  }
}

/** Both protocols on one port (DNS). */
export function tcpAndUdp(port: number): NetworkPort[] {
  return [
    { port, protocol: "UDP" },
    { port, protocol: "TCP" },
  ];
}

/** The ports of a user's rule, as {@link NetworkPort}s. */
function rulePorts(rule: EgressRule | IngressRule): NetworkPort[] | undefined {
  return rule.ports?.map((port) => ({ port, protocol: rule.protocol ?? "TCP" }));
}

/**
 * Checks the user's `allowEgress` / `allowIngress` rules (they may come from JSON or `as any`) and adds the
 * valid ones to `policy`; returns the problems, each as `props.<prop>[i]...: ...`.
 */
export function addUserRules(
  policy: AppNetworkPolicy | undefined,
  prop: "allowEgress" | "allowIngress",
  rules: unknown,
): string[] {
  if (rules === undefined) return [];
  if (!Array.isArray(rules)) {
    const example = `{ ${prop === "allowEgress" ? "to" : "from"}: NetworkPeer.internet(), ports: [443] }`;
    return [propProblem(prop, `must be a list of rules like ${example}, got ${describeValue(rules)}`)];
  }
  const side = prop === "allowEgress" ? "to" : "from";
  const problems: string[] = [];
  rules.forEach((rule: unknown, i) => {
    const at = `${prop}[${i}]`;
    if (!isPlainObject(rule)) {
      problems.push(propProblem(at, `must be an object { ${side}, ports?, protocol? }, got ${describeValue(rule)}`));
      return;
    }
    const peer = rule[side];
    const before = problems.length;
    if (!(peer instanceof NetworkPeer)) {
      const factories = 'NetworkPeer.internet(), NetworkPeer.lan(), NetworkPeer.cidr("192.168.1.50/32"), ...';
      problems.push(propProblem(`${at}.${side}`, `must be a NetworkPeer (${factories}), got ${describeValue(peer)}`));
    } else if (peer.problem !== undefined) {
      problems.push(propProblem(`${at}.${side}`, `NetworkPeer.cidr: ${peer.problem}`));
    }
    const ports = rule.ports;
    if (ports !== undefined && !Array.isArray(ports)) {
      problems.push(propProblem(`${at}.ports`, `must be a list of port numbers, got ${describeValue(ports)}`));
    } else {
      (ports ?? []).forEach((p: unknown, j: number) => {
        const problem = portProblem(`${at}.ports[${j}]`, p);
        if (problem !== undefined) problems.push(problem);
      });
    }
    const protocol = rule.protocol;
    if (protocol !== undefined && protocol !== "TCP" && protocol !== "UDP") {
      problems.push(propProblem(`${at}.protocol`, `${describeValue(protocol)} is not "TCP" or "UDP"`));
    }
    if (problems.length > before || policy === undefined) return;
    const typed = rule as unknown as EgressRule & IngressRule;
    if (prop === "allowEgress") policy.allowEgress(typed.to, rulePorts(typed));
    else policy.allowIngress(typed.from, rulePorts(typed));
  });
  return problems;
}

const ISOLATED = new WeakMap<HomelabApp, Set<string>>();

/**
 * Gives `namespace` one `default-deny` NetworkPolicy, once per lab: it selects every pod, isolates
 * both directions and denies everything except DNS to CoreDNS (egress to the cluster DNS on 53/UDP and
 * 53/TCP). The objects are built under `scope` (the first construct that asks), so they render into its
 * file.
 *
 * One policy instead of a deny and a separate DNS allow: Kubernetes takes the union of the policies
 * that select a pod, so the effect is the same, with one document fewer per namespace.
 */
export function isolateNamespace(scope: Construct, namespace: string): void {
  const app = HomelabApp.of(scope);
  const done = ISOLATED.get(app) ?? new Set<string>();
  ISOLATED.set(app, done);
  if (done.has(namespace)) return;
  done.add(namespace);
  const lab = app.homelab;
  // Denies everything except DNS to CoreDNS: no ingress rule, one egress rule (the cluster DNS on 53).
  new ApiObject(scope, "namespace-default-deny", {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "default-deny", namespace, labels: commonLabels(lab.name) },
    spec: {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      egress: [
        {
          to: NetworkPeer.clusterDns().render(lab, namespace),
          ports: tcpAndUdp(53).map((p) => ({ port: p.port, protocol: p.protocol })),
        },
      ],
    },
  });
}
