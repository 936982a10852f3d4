/**
 * The validated homelab: the single source of truth every construct and every
 * emitted Nix file reads. Build one with {@link Homelab.create}; look it up from
 * a construct with {@link Homelab.of}.
 */
import type { Addressing } from "./addressing.js";
import type { BuildMachines } from "./build-machines.js";
import type { Nfs } from "./nfs.js";
import type { Dns } from "./dns.js";
import type { KeyRef } from "./key-refs.js";
import type { NixData, VarsPreset } from "./vars-options.js";
import type { VpnTunnel } from "./vpn-routes.js";
import type { Cidr, Ip, IpRange } from "./ip.js";
import { HomelabValidationError, type Problem } from "./problems.js";
import { hasClusterFunction } from "./roles.js";
import type {
  Architecture,
  ClusterFunction,
  FlannelBackend,
  HomelabSpec,
  IngressController,
  PortSpec,
} from "./spec.js";
import { validateSpec } from "./validate.js";
import { locateProblems, specFileOf } from "./spec-file.js";

/** A role after validation, with its defaults filled in. */
export interface Role {
  readonly name: string;
  readonly module: string;
  readonly requires: readonly string[];
  readonly ports: readonly PortSpec[];
  readonly cluster: ClusterFunction;
  readonly description: string;
}

/** A Longhorn data disk. */
export interface LonghornDisk {
  readonly device: string;
  readonly mountPoint: string;
}

/** A host's disks. */
export interface Disk {
  readonly device: string;
  readonly espSize: string;
  readonly longhorn: LonghornDisk | undefined;
}

/** A host's hardware facts, validated. */
export interface Hardware {
  /** CPU cores, when known. */
  readonly cores: number | undefined;
  /** Memory in bytes, when known. */
  readonly memory: number | undefined;
}

/** A validated host. */
export interface Host {
  readonly hostname: string;
  /** The LAN address: always for a static host; for a DHCP host only when the spec gives it (a known lease). */
  readonly address: Ip | undefined;
  /** Where the address comes from (`hosts[i].addressing`). */
  readonly addressing: Addressing;
  /** The name the host is reached by: `<hostname>.local` or `<hostname>.<domain>` (`network.hostNames`). */
  readonly dnsName: string;
  readonly mac: string | undefined;
  readonly architecture: Architecture;
  readonly disk: Disk | undefined;
  readonly tags: readonly string[];
  /** The host's roles, requirements first (the order of its `imports`). */
  readonly roles: readonly Role[];
  /** True for the k3s cluster-init server (`master` in `vars.nix`). */
  readonly clusterInit: boolean;
  /** Ports the host's roles open, merged, in the shape of NixOS `networking.firewall`. */
  readonly firewall: Firewall;
  /**
   * The host's hardware facts (`hosts[i].hardware`).
   * @default undefined - unknown
   */
  readonly hardware?: Hardware;
  /** The LAN interface that gets the static address (`eth0` unless the spec names one). */
  readonly interface: string;
  /** False when the spec names no interface: kernel names (`eth0`) instead of predictable ones. */
  readonly predictableInterfaceNames: boolean;
}

/** The k3s cluster's host side, defaults filled in. */
export interface K3s {
  readonly flannelBackend: FlannelBackend;
  readonly clusterCidr: Cidr;
  readonly serviceCidr: Cidr;
  /** The sops-nix secret with the join token. */
  readonly tokenSecret: string;
  /** Whether k3s nodes get Longhorn's host prerequisites. */
  readonly longhorn: boolean;
}

/** NixOS `networking.firewall` port options. */
export interface Firewall {
  readonly allowedTCPPorts: readonly number[];
  readonly allowedTCPPortRanges: readonly { readonly from: number; readonly to: number }[];
  readonly allowedUDPPorts: readonly number[];
  readonly allowedUDPPortRanges: readonly { readonly from: number; readonly to: number }[];
}

/** A validated VPN user. */
export interface VpnUser {
  readonly name: string;
  readonly address: Ip;
  readonly publicKey: string | undefined;
  /** The Kubernetes Secret (key `publicKey`) holding the public key: as named, or derived from a SOPS key. */
  readonly publicKeySecret: string | undefined;
  /** Where the public key is named (a sops-nix key or a Kubernetes Secret), when it is not inline. */
  readonly publicKeyRef: KeyRef | undefined;
  /** What the gateway routes to this peer: its tunnel address and networks behind it. */
  readonly allowedIps: readonly Cidr[];
  /** What the client sends through the tunnel (its own configuration): "split" or "full". */
  readonly tunnel: VpnTunnel;
  readonly group: string;
  readonly enabled: boolean;
}

/** The validated VPN. */
export interface Vpn {
  readonly subnet: Cidr;
  /** The gateway's own tunnel address: the subnet's first host address. */
  readonly serverAddress: Ip;
  readonly listenPort: number;
  readonly users: readonly VpnUser[];
}

/** The validated Kubernetes options, defaults filled in. */
export interface Kubernetes {
  readonly ingressController: IngressController;
  readonly storageClass: string;
  readonly flux: {
    readonly url: string;
    readonly branch: string;
    readonly interval: string;
    readonly path: string;
    readonly sopsAgeSecret: string;
    /** Age public keys every SOPS file is encrypted for (empty: not checked). */
    readonly sopsAgeRecipients: readonly string[];
  };
  readonly certificates: {
    readonly acmeEmail: string;
    readonly acmeServer: "production" | "staging";
    readonly cloudflareApiTokenSecret: string;
  };
  /** The DNS zone and whether external-dns publishes the lab's host names. */
  readonly dns: Dns;
}

/** Everything {@link Homelab} holds; produced by validation. */
export interface HomelabData {
  readonly name: string;
  readonly domain: string;
  readonly lan: Cidr;
  readonly gateway: Ip;
  readonly upstreamDns: readonly Ip[];
  readonly metallbPool: readonly IpRange[];
  readonly loadBalancerIps: ReadonlyMap<string, Ip>;
  readonly hosts: readonly Host[];
  readonly roles: ReadonlyMap<string, Role>;
  readonly vpn: Vpn | undefined;
  readonly nix: {
    readonly rolesDir: string;
    /** The shape of `vars.nix` (`nix.vars`). */
    readonly vars: VarsPreset;
    /** Facts the lab keeps in `vars.nix` (`nix.facts`), by attribute name. */
    readonly facts: Readonly<Record<string, NixData>>;
    /** Distributed builds (`nix.buildMachines`), when the lab opts in. */
    readonly buildMachines: BuildMachines | undefined;
  };
  /** The NFS server and its standbys (`nfs`), when the lab has one. */
  readonly nfs: Nfs | undefined;
  readonly kubernetes: Kubernetes | undefined;
  /** The k3s cluster's host side (defaults when the spec has no `k3s`). */
  readonly k3s: K3s;
  /** Warnings found by validation (errors make {@link Homelab.create} throw). */
  readonly warnings: readonly Problem[];
}

/** Anything with a construct node, looked up without importing `constructs`. */
export interface ConstructLike {
  readonly node: { tryGetContext(key: string): unknown };
}

const HOMELAB_BRAND = Symbol.for("cdk8s-homelab.Homelab");

/** Context key under which the homelab is stored in a construct tree. */
export const HOMELAB_CONTEXT_KEY = "cdk8s-homelab:homelab";

/**
 * What {@link Homelab} extends: an object that takes over the fields of {@link HomelabData} in one
 * assignment, so that they are declared once, in the interface. `kubernetes` is left to Homelab,
 * which reads it through a getter that says what to add when it is missing.
 */
const HomelabFields = class {
  constructor(data: HomelabData) {
    const { kubernetes: _kubernetes, ...fields } = data;
    Object.assign(this, fields);
  }
} as new (
  data: HomelabData,
) => Omit<HomelabData, "kubernetes">;

/** The validated homelab model. */
export class Homelab extends HomelabFields implements HomelabData {
  /**
   * Validates a spec and builds the model.
   * @throws HomelabValidationError listing every error (and warning) when the spec has an error.
   */
  static create(spec: HomelabSpec | unknown, source?: string): Homelab {
    const { data, problems } = Homelab.validated(spec);
    if (data === undefined) throw new HomelabValidationError(problems, source ?? specFileOf(spec));
    return new Homelab(data);
  }

  /**
   * Validates a spec without throwing: the model when there is no error, and every problem found.
   */
  static validate(spec: HomelabSpec | unknown): { homelab: Homelab | undefined; problems: readonly Problem[] } {
    const { data, problems } = Homelab.validated(spec);
    return { homelab: data === undefined ? undefined : new Homelab(data), problems };
  }

  /** Validation, with the line and column of each problem when the spec was parsed from a file. */
  private static validated(spec: unknown): { data: HomelabData | undefined; problems: readonly Problem[] } {
    const { data, problems } = validateSpec(spec);
    return { data, problems: locateProblems(spec, problems) };
  }

  /**
   * The homelab of the construct tree `scope` belongs to (set by `HomelabApp`), the way
   * AWS CDK constructs find their stack with `Stack.of(this)`.
   * @throws Error when the tree has no homelab.
   */
  static of(scope: ConstructLike): Homelab {
    const found = scope.node.tryGetContext(HOMELAB_CONTEXT_KEY);
    if (!Homelab.isHomelab(found)) {
      throw new Error(
        "no homelab in this construct tree: build constructs inside `new HomelabApp(Homelab.create(spec))` " +
          "(in tests too), so they can read the model",
      );
    }
    return found;
  }

  /** True when `x` is a Homelab, of any copy of this package (a `Symbol.for` brand, not `instanceof`). */
  static isHomelab(x: unknown): x is Homelab {
    return x !== null && typeof x === "object" && HOMELAB_BRAND in x;
  }

  /** The Kubernetes options, when the lab has a Kubernetes side ({@link kubernetes} throws when it has none). */
  readonly kubernetesOptions: Kubernetes | undefined;

  /** {@link hostsWith}'s answers, by the functions asked for. */
  private readonly hostsByFunction = new Map<string, readonly Host[]>();

  private constructor(data: HomelabData) {
    super(data);
    Object.defineProperty(this, HOMELAB_BRAND, { value: true });
    this.kubernetesOptions = data.kubernetes;
  }

  /**
   * The load-balancer IP reserved under `name` in `network.loadBalancerIps`.
   * @throws Error naming the reservations there are, when `name` is not one of them.
   */
  loadBalancerIp(name: string): Ip {
    const ip = this.loadBalancerIps.get(name);
    if (ip === undefined) {
      const known = [...this.loadBalancerIps.keys()].map((k) => `"${k}"`).join(", ") || "none";
      throw new Error(
        `network.loadBalancerIps has no reservation "${name}" (reservations: ${known}). ` +
          `Add one, e.g. loadBalancerIps: { ${name}: "<free address in the MetalLB pool>" }.`,
      );
    }
    return ip;
  }

  /**
   * The Kubernetes options.
   * @throws Error when the lab has no `kubernetes` section (constructs need it).
   */
  get kubernetes(): Kubernetes {
    if (this.kubernetesOptions === undefined) {
      throw new Error(
        "the homelab has no kubernetes section: add kubernetes: { flux: { url }, certificates: { acmeEmail } } to the spec",
      );
    }
    return this.kubernetesOptions;
  }

  /** `<sub>.<domain>`, or the domain itself for an empty `sub`. */
  fqdn(sub: string): string {
    return sub === "" ? this.domain : `${sub}.${this.domain}`;
  }

  /** The host named `hostname`, or undefined. */
  host(hostname: string): Host | undefined {
    return this.hosts.find((h) => h.hostname === hostname);
  }

  /** Hosts with a role of one of the given cluster functions, in declaration order. */
  hostsWith(...fns: readonly ClusterFunction[]): readonly Host[] {
    // The model never changes once made, and constructs ask this per app: answer each question once.
    const key = fns.join(" ");
    let hosts = this.hostsByFunction.get(key);
    if (hosts === undefined) {
      hosts = Object.freeze(this.hosts.filter((h) => hasClusterFunction(h, ...fns)));
      this.hostsByFunction.set(key, hosts);
    }
    return hosts;
  }

  /** The k3s cluster-init server, when the lab runs k3s. */
  get clusterInitServer(): Host | undefined {
    return this.hosts.find((h) => h.clusterInit);
  }
}
