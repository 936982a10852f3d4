/**
 * `NetworkPeer`: the other end of a NetworkPolicy rule, named by what it is in the lab (the LAN, the
 * internet, the k3s API server, the ingress controller, the pods of an app) instead of by address. Each
 * peer becomes NetworkPolicy peers when the policy renders, from the model (`Homelab`): no address is
 * ever written by hand.
 */
import { MONITORING_NAMESPACE } from "./monitoring/monitoring.js";
import { Cidr, type Homelab } from "../model/index.js";
import { cidrProblem } from "../model/ip.js";

/** A peer as NetworkPolicy writes it (`networking.k8s.io/v1` NetworkPolicyPeer). */
export interface RenderedPeer {
  /** @default undefined - every pod (of the namespaces selected) */
  readonly podSelector?: LabelSelectorJson;
  /** @default undefined - the policy's own namespace */
  readonly namespaceSelector?: LabelSelectorJson;
  /** @default undefined - pods, not addresses */
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

/** A label selector as JSON. */
export interface LabelSelectorJson {
  /** @default {} - no label required */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** @default [] - no expression required */
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: string;
    readonly values?: string[];
  }[];
}

/** Which pods {@link NetworkPeer.pods} means. */
export interface PodPeerOptions {
  /**
   * Their namespace; `"*"` means every namespace.
   * @default undefined - the namespace of the policy the peer is used in
   */
  readonly namespace?: string;
  /**
   * Labels the pods must all carry.
   * @default {} - every pod of the namespace
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * What they are, for messages.
   * @default a description from the labels and the namespace
   */
  readonly description?: string;
}

/** The label every namespace carries with its own name (set by the API server). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** The port of the k3s API server on its server nodes (the `kubernetes` Service forwards there). */
export const K3S_API_SERVER_PORT = 6443;

/**
 * Address blocks that are never "the internet": private (RFC 1918), carrier-grade NAT (RFC 6598),
 * link-local and loopback. {@link NetworkPeer.internet} excepts them, with the lab's own blocks.
 */
export const NON_PUBLIC_BLOCKS: readonly string[] = [
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
];

/** Where the lab's ingress controller runs (the namespace and pod labels of its chart). */
export function ingressControllerPods(lab: Homelab): {
  readonly namespace: string;
  readonly labels: Record<string, string>;
} {
  const controller = lab.kubernetes.ingressController;
  // Both charts label their controller pods app.kubernetes.io/name=<chart>, in the namespace named after it.
  return { namespace: controller, labels: { "app.kubernetes.io/name": controller } };
}

/** Where the CloudNativePG operator runs (namespace `cnpg-system`, the chart's pod label). */
export const CNPG_OPERATOR_PODS = {
  namespace: "cnpg-system",
  labels: { "app.kubernetes.io/name": "cloudnative-pg" },
} as const;

/** Where CoreDNS runs in k3s: `kube-system`, pods labelled `k8s-app: kube-dns`. */
export const CLUSTER_DNS_PODS = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } } as const;

type Render = (lab: Homelab, policyNamespace: string) => RenderedPeer[];

/** Whether block `inner` lies inside block `outer`. */
function within(inner: Cidr, outer: Cidr): boolean {
  return outer.prefix <= inner.prefix && outer.contains(inner.network);
}

/**
 * A peer of a NetworkPolicy rule. Build one with the static factories; a peer that the model leaves
 * empty (a lab without k3s servers has no API server address) renders no rule at all, never an
 * "everyone" rule.
 */
export class NetworkPeer {
  /**
   * Public addresses: `0.0.0.0/0` except the non-public blocks ({@link NON_PUBLIC_BLOCKS}) and the
   * lab's LAN, pod and service networks. For ACME, Cloudflare, git and Helm sources, app stores.
   */
  static internet(): NetworkPeer {
    return new NetworkPeer("the internet", (lab) => {
      const blocks = NON_PUBLIC_BLOCKS.map((b) => Cidr.of(b));
      const own = [lab.lan, lab.k3s.clusterCidr, lab.k3s.serviceCidr];
      const except = [...blocks];
      for (const c of own) if (!except.some((b) => within(c, b))) except.push(c);
      return [{ ipBlock: { cidr: "0.0.0.0/0", except: except.map((c) => c.toString()) } }];
    });
  }

  /** Every IPv4 address, private ones included (a VPN endpoint that anyone may dial). */
  static anywhere(): NetworkPeer {
    return new NetworkPeer("anywhere", () => [{ ipBlock: { cidr: "0.0.0.0/0" } }]);
  }

  /**
   * Everyone: every pod of every namespace and every address. For a router such as the WireGuard
   * gateway, whose egress is its VPN users' traffic.
   */
  static anyone(): NetworkPeer {
    return new NetworkPeer("anyone", () => [{ namespaceSelector: {} }, { ipBlock: { cidr: "0.0.0.0/0" } }]);
  }

  /** The lab's LAN, `network.lan` of the model (its hosts, and clients the nodes forward for). */
  static lan(): NetworkPeer {
    return new NetworkPeer("the LAN", (lab) => [{ ipBlock: { cidr: lab.lan.toString() } }]);
  }

  /** The VPN's tunnel subnet (`vpn.subnet`); nothing when the model has no VPN. */
  static vpnClients(): NetworkPeer {
    return new NetworkPeer("the VPN clients", (lab) =>
      lab.vpn === undefined ? [] : [{ ipBlock: { cidr: lab.vpn.subnet.toString() } }],
    );
  }

  /** One address block, e.g. a NAS on the LAN: `NetworkPeer.cidr("192.168.1.50/32")`. */
  static cidr(cidr: string): NetworkPeer {
    const problem = cidrProblem(cidr);
    // A wrong block is reported by the construct that uses the peer (with its prop path), never thrown here.
    return new NetworkPeer(`the block ${cidr}`, () => (problem === undefined ? [{ ipBlock: { cidr } }] : []), problem);
  }

  /** The model's upstream DNS resolvers (`network.upstreamDns`), each a /32. */
  static upstreamDns(): NetworkPeer {
    return new NetworkPeer("the upstream DNS resolvers", (lab) =>
      lab.upstreamDns.map((ip) => ({ ipBlock: { cidr: `${ip.toString()}/32` } })),
    );
  }

  /**
   * The k3s API server: the addresses of the model's k3s server hosts (each a /32). Pods reach it
   * through the `kubernetes` Service, which forwards to these addresses on port 6443. A server on DHCP
   * has no address the model knows: then the whole LAN stands for it (the rule's port still narrows it).
   */
  static apiServer(): NetworkPeer {
    return new NetworkPeer("the k3s API server", (lab) => {
      const servers = lab.hostsWith("k3s-server");
      if (servers.some((h) => h.address === undefined)) return [{ ipBlock: { cidr: lab.lan.toString() } }];
      return servers.map((h) => ({ ipBlock: { cidr: `${h.address!.toString()}/32` } }));
    });
  }

  /** The cluster's DNS (CoreDNS in kube-system). */
  static clusterDns(): NetworkPeer {
    return NetworkPeer.pods({ ...CLUSTER_DNS_PODS, description: "the cluster DNS" });
  }

  /** The pods of the lab's ingress controller (the model's `kubernetes.ingressController`). */
  static ingressController(): NetworkPeer {
    return new NetworkPeer("the ingress controller", (lab) => {
      const { namespace, labels } = ingressControllerPods(lab);
      return [
        {
          namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
          podSelector: { matchLabels: labels },
        },
      ];
    });
  }

  /**
   * The lab's Prometheus (kube-prometheus-stack's, in the monitoring namespace; prometheus-operator labels
   * its pods `app.kubernetes.io/name: prometheus`): what scrapes an app's `metrics` and CNPG's exporter.
   */
  static prometheus(): NetworkPeer {
    return NetworkPeer.pods({
      namespace: MONITORING_NAMESPACE,
      labels: { "app.kubernetes.io/name": "prometheus" },
      description: "the lab's Prometheus",
    });
  }

  /** The CloudNativePG operator's pods. */
  static cnpgOperator(): NetworkPeer {
    return NetworkPeer.pods({ ...CNPG_OPERATOR_PODS, description: "the CloudNativePG operator" });
  }

  /** Pods by labels, in the policy's namespace, another one, or every one (`namespace: "*"`). */
  static pods(options: PodPeerOptions): NetworkPeer {
    const labels = { ...(options.labels ?? {}) };
    const ns = options.namespace;
    const description =
      options.description ?? `pods ${JSON.stringify(labels)} in ${ns === undefined ? "the namespace" : ns}`;
    return new NetworkPeer(description, (_lab, policyNamespace) => {
      const podSelector = { matchLabels: labels };
      if (ns === undefined || ns === policyNamespace) return [{ podSelector }];
      if (ns === "*") return [{ namespaceSelector: {}, podSelector }];
      return [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } }, podSelector }];
    });
  }

  /** A peer rendered by a function (for constructs that know their pods only at render time). */
  static lazy(description: string, render: (lab: Homelab, policyNamespace: string) => RenderedPeer[]): NetworkPeer {
    return new NetworkPeer(description, render);
  }

  private constructor(
    /** What the peer is, for messages, e.g. "the internet". */
    readonly description: string,
    private readonly renderPeers: Render,
    /** Why the peer cannot be rendered (a wrong CIDR block), or undefined. */
    readonly problem?: string,
  ) {}

  /** The NetworkPolicy peers, from the model; empty when the model has none (the rule is then left out). */
  render(lab: Homelab, policyNamespace: string): RenderedPeer[] {
    return this.renderPeers(lab, policyNamespace);
  }
}
