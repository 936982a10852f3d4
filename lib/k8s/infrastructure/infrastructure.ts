/**
 * The infrastructure every app of the lab stands on, as Flux applies it:
 *
 * - `dist/infrastructure/controllers/`: one file per controller, each a HelmRepository (or
 *   OCIRepository) and a HelmRelease: `metallb`, `cert-manager`, the ingress controller
 *   (`traefik` or `ingress-nginx`, from the model), `external-dns`, `longhorn`,
 *   `cloudnative-pg` and `pihole`.
 * - `dist/infrastructure/configs/`: the custom resources of those controllers, applied only
 *   once the controllers (and so their CRDs) are ready: `metallb-config` (the address pool
 *   and its L2 advertisement) and `cert-manager-config` (the Let's Encrypt ClusterIssuer).
 *
 * Every address, host name and domain comes from the model (`Homelab.of(this)`).
 */
import { Duration, Size } from "cdk8s";
import { Construct } from "constructs";
import { ClusterIssuer } from "../../../imports/cert-manager.io.js";
import { IpAddressPool, L2Advertisement } from "../../../imports/metallb.io.js";
import type { CertManagerValuesOverrides } from "../../../imports/values/cert-manager.js";
import type { ExternalDnsValuesOverrides } from "../../../imports/values/external-dns.js";
import type { MetallbValuesOverrides } from "../../../imports/values/metallb.js";
import { Homelab } from "../../model/index.js";
import { commonLabels } from "../defaults.js";
import { HomelabApp, Layer } from "../homelab-app.js";
import { ensureNamespace } from "../namespace.js";
import type { ChartSource } from "./chart-source.js";
import { CHARTS } from "./charts.js";
import {
  CLOUDFLARE_TOKEN_KEY,
  CLUSTER_ISSUER_ANNOTATION,
  CLUSTER_ISSUER_NAME,
  LETS_ENCRYPT_SERVERS,
  METALLB_IPS_ANNOTATION,
  METALLB_SHARED_IP_ANNOTATION,
  ingressClassName,
  missingReservation,
} from "./conventions.js";
import { HelmApp, type HelmValues } from "./helm-app.js";
import {
  helmResources,
  mergeValues,
  type CloudnativePgValuesOverrides,
  type IngressNginxValuesOverrides,
  type LonghornValuesOverrides,
  type PiholeValuesOverrides,
  type TraefikValuesOverrides,
} from "./values.js";

/** Options of one infrastructure chart. */
export interface ChartOptions {
  /**
   * The exact chart version to install instead of the pinned one.
   * @default the version pinned in `CHARTS` (named on each option of {@link InfrastructureProps})
   */
  readonly version?: string;
  /**
   * Values merged over the ones this library sets, the way Helm merges values files
   * (maps key by key, lists replaced, `null` removes a key).
   * @default {} - only the library's values
   */
  readonly values?: HelmValues;
}

/** Options of the Pi-hole chart. */
export interface PiholeOptions extends ChartOptions {
  /**
   * Secret in namespace `pihole` (key `password`) with the web admin password; keep it as a
   * SOPS-encrypted file, synth carries it into the controllers layer.
   * @default "pihole-admin"
   */
  readonly adminPasswordSecret?: string;
  /**
   * The web UI is served at `<subdomain>.<domain>`.
   * @default "pihole"
   */
  readonly subdomain?: string;
}

/** Options for {@link Infrastructure}. */
export interface InfrastructureProps {
  /**
   * MetalLB, in L2 mode (FRR and frr-k8s, which only BGP needs, are left out).
   * @default chart metallb 0.16.1 from https://metallb.github.io/metallb
   */
  readonly metallb?: ChartOptions;
  /**
   * Give LoadBalancer Services without a `metallb.io/loadBalancerIPs` annotation an address of
   * the pool automatically.
   * @default false - every load-balancer address is a named reservation of the model
   *   (`network.loadBalancerIps`), so a reserved address can never be handed to another Service
   *   that happened to start first; a Service without a reservation stays `<pending>`.
   */
  readonly metallbAutoAssign?: boolean;
  /**
   * cert-manager (CRDs installed by the chart, `crds.enabled: true`).
   * @default chart v1.21.1 from oci://quay.io/jetstack/charts/cert-manager
   */
  readonly certManager?: ChartOptions;
  /**
   * The ingress controller the model names (`kubernetes.ingressController`).
   * @default traefik: chart traefik 41.3.0 from https://traefik.github.io/charts;
   *   ingress-nginx: chart ingress-nginx 4.15.1 from https://kubernetes.github.io/ingress-nginx
   */
  readonly ingressController?: ChartOptions;
  /**
   * external-dns, publishing Ingress and Service host names to Cloudflare.
   * @default chart external-dns 1.21.1 from https://kubernetes-sigs.github.io/external-dns/
   */
  readonly externalDns?: ChartOptions;
  /**
   * Longhorn, or `false` to leave it out (a lab on k3s's local-path storage).
   * @default chart longhorn 1.12.1 from https://charts.longhorn.io
   */
  readonly longhorn?: ChartOptions | false;
  /**
   * The CloudNativePG operator.
   * @default chart cloudnative-pg 0.29.0 (operator 1.30.0) from https://cloudnative-pg.github.io/charts
   */
  readonly cloudnativePg?: ChartOptions;
  /**
   * Pi-hole, the lab's DNS server, or `false` to leave it out.
   * @default chart pihole 2.38.0 from https://mojo2600.github.io/pihole-kubernetes/
   */
  readonly pihole?: PiholeOptions | false;
}

/** Name of the MetalLB address pool (and of its L2 advertisement). */
export const METALLB_POOL_NAME = "homelab-pool";

/**
 * The lab's infrastructure: controllers in `app.controllers`, their configuration in
 * `app.configs`, one file per unit. Build it once per lab:
 * ```ts
 * const infra = new Infrastructure(app);
 * // infra.ingressClassName, infra.clusterIssuerName for the apps' Ingresses
 * ```
 */
export class Infrastructure extends Construct {
  /** The IngressClass every Ingress uses (created by the ingress controller, the cluster default). */
  readonly ingressClassName: string;
  /** The ClusterIssuer for TLS certificates (annotate Ingresses with `cert-manager.io/cluster-issuer`). */
  readonly clusterIssuerName: string = CLUSTER_ISSUER_NAME;
  /** MetalLB. */
  readonly metallb: HelmApp;
  /** cert-manager. */
  readonly certManager: HelmApp;
  /** The ingress controller (Traefik or ingress-nginx). */
  readonly ingressController: HelmApp;
  /** external-dns. */
  readonly externalDns: HelmApp;
  /** Longhorn, unless left out. */
  readonly longhorn: HelmApp | undefined;
  /** The CloudNativePG operator. */
  readonly cloudnativePg: HelmApp;
  /** Pi-hole, unless left out. */
  readonly pihole: HelmApp | undefined;
  /** The MetalLB address pool: the model's `network.metallbPool`. */
  readonly ipAddressPool: IpAddressPool;
  /** The L2 advertisement of {@link ipAddressPool}. */
  readonly l2Advertisement: L2Advertisement;
  /** The Let's Encrypt ClusterIssuer. */
  readonly clusterIssuer: ClusterIssuer;

  /**
   * @param scope anything in the lab's construct tree, usually the HomelabApp itself
   *   (the units are always created in its `controllers` and `configs` layers)
   */
  constructor(scope: Construct, id = "infrastructure", props: InfrastructureProps = {}) {
    super(scope, id);
    const app = HomelabApp.of(this);
    const lab = Homelab.of(this);
    this.ingressClassName = ingressClassName(lab);

    this.metallb = metallb(app.controllers, props.metallb);
    this.certManager = certManager(app.controllers, props.certManager);
    this.ingressController = ingressController(app.controllers, props.ingressController);
    this.externalDns = externalDns(app.controllers, props.externalDns);
    this.longhorn = props.longhorn === false ? undefined : longhorn(app.controllers, props.longhorn);
    this.cloudnativePg = cloudnativePg(app.controllers, props.cloudnativePg);
    this.pihole = props.pihole === false ? undefined : pihole(app.controllers, props.pihole);

    const labels = commonLabels(lab.name);

    // MetalLB's configuration: the model's pool, announced on the LAN (layer 2).
    const metallbConfig = new Construct(app.configs, "metallb-config");
    const metallbNs = ensureNamespace(metallbConfig, this.metallb.namespace, "privileged");
    this.ipAddressPool = new IpAddressPool(metallbConfig, "pool", {
      metadata: { name: METALLB_POOL_NAME, namespace: metallbNs, labels },
      spec: {
        addresses: lab.metallbPool.map((r) => r.toString()),
        autoAssign: props.metallbAutoAssign ?? false,
      },
    });
    this.l2Advertisement = new L2Advertisement(metallbConfig, "l2", {
      metadata: { name: METALLB_POOL_NAME, namespace: metallbNs, labels },
      spec: { ipAddressPools: [METALLB_POOL_NAME] },
    });

    // cert-manager's configuration: Let's Encrypt with DNS-01 challenges answered through Cloudflare.
    const certs = lab.kubernetes.certificates;
    const certManagerConfig = new Construct(app.configs, "cert-manager-config");
    const certManagerNs = ensureNamespace(certManagerConfig, this.certManager.namespace, "restricted");
    Layer.of(certManagerConfig).expectSecret(
      certManagerNs,
      certs.cloudflareApiTokenSecret,
      `Cloudflare API token (key ${CLOUDFLARE_TOKEN_KEY}, permission Zone:DNS:Edit) for the ClusterIssuer's DNS-01 challenges`,
    );
    this.clusterIssuer = new ClusterIssuer(certManagerConfig, "cluster-issuer", {
      metadata: { name: CLUSTER_ISSUER_NAME, labels },
      spec: {
        acme: {
          server: LETS_ENCRYPT_SERVERS[certs.acmeServer],
          email: certs.acmeEmail,
          privateKeySecretRef: { name: `${CLUSTER_ISSUER_NAME}-${certs.acmeServer}-account-key` },
          solvers: [
            {
              selector: { dnsZones: [lab.domain] },
              dns01: {
                cloudflare: { apiTokenSecretRef: { name: certs.cloudflareApiTokenSecret, key: CLOUDFLARE_TOKEN_KEY } },
              },
            },
          ],
        },
      },
    });
  }
}

/** The chart to install: the pinned one, or the same chart at the version the user asks for. */
function chartOf(pinned: ChartSource, options: ChartOptions | undefined): ChartSource {
  return options?.version === undefined ? pinned : pinned.withVersion(options.version);
}

/** MetalLB in L2 mode; its speaker needs host networking and NET_RAW, so its namespace is privileged. */
function metallb(layer: Layer, options: ChartOptions | undefined): HelmApp {
  const values = {
    crds: { enabled: true },
    // L2 announcements need neither FRR nor the frr-k8s subchart (on by default since 0.15).
    frrk8s: { enabled: false },
    controller: { resources: helmResources({ cpuMillis: 25, memory: Size.mebibytes(48) }) },
    speaker: {
      frr: { enabled: false },
      resources: helmResources({ cpuMillis: 25, memory: Size.mebibytes(48) }),
    },
  } satisfies MetallbValuesOverrides;
  return new HelmApp(layer, "metallb", {
    chart: chartOf(CHARTS.metallb, options),
    namespace: "metallb-system",
    podSecurity: "privileged",
    crds: true,
    values: mergeValues(values, options?.values),
  });
}

/** cert-manager with its CRDs; DNS-01 self-checks ask the model's upstream resolvers, not the LAN's. */
function certManager(layer: Layer, options: ChartOptions | undefined): HelmApp {
  const lab = Homelab.of(layer);
  const small = helmResources({ cpuMillis: 10, memory: Size.mebibytes(32) });
  const values = {
    crds: { enabled: true, keep: true },
    resources: helmResources({ cpuMillis: 25, memory: Size.mebibytes(64) }),
    webhook: { resources: small },
    cainjector: { resources: helmResources({ cpuMillis: 10, memory: Size.mebibytes(64) }) },
    startupapicheck: { resources: small },
    // A LAN resolver (Pi-hole) may answer for the lab's own domain; DNS-01 propagation checks
    // must see the public zone, so they go to the upstream resolvers only.
    ...(lab.upstreamDns.length > 0
      ? {
          dns01RecursiveNameservers: lab.upstreamDns.map((ip) => `${ip.toString()}:53`).join(","),
          dns01RecursiveNameserversOnly: true,
        }
      : {}),
  } satisfies CertManagerValuesOverrides;
  return new HelmApp(layer, "cert-manager", {
    chart: chartOf(CHARTS.certManager, options),
    namespace: "cert-manager",
    podSecurity: "restricted",
    crds: true,
    values: mergeValues(values, options?.values),
  });
}

/**
 * The ingress controller of the model, its Service on the `ingress` reservation and its
 * IngressClass (named by {@link ingressClassName}) the cluster default.
 *
 * ingress-nginx was retired upstream in March 2026: chart 4.15.1 is its last release and gets
 * no further fixes, security fixes included. Prefer Traefik (what k3s bundles).
 */
function ingressController(layer: Layer, options: ChartOptions | undefined): HelmApp {
  const lab = Homelab.of(layer);
  const controller = lab.kubernetes.ingressController;
  const className = ingressClassName(lab);
  const ip = lab.loadBalancerIps.get("ingress");
  const serviceAnnotations: Record<string, string> = ip === undefined ? {} : { [METALLB_IPS_ANNOTATION]: ip.toString() };

  let app: HelmApp;
  if (controller === "ingress-nginx") {
    const values = {
      controller: {
        ingressClass: className,
        ingressClassResource: { name: className, enabled: true, default: true, controllerValue: "k8s.io/ingress-nginx" },
        publishService: { enabled: true },
        replicaCount: 1,
        resources: helmResources({ cpuMillis: 100, memory: Size.mebibytes(96) }),
        service: { type: "LoadBalancer", annotations: serviceAnnotations },
      },
    } satisfies IngressNginxValuesOverrides;
    app = new HelmApp(layer, "ingress-nginx", {
      chart: chartOf(CHARTS.ingressNginx, options),
      namespace: "ingress-nginx",
      podSecurity: "restricted",
      waitStrategy: "poller",
      values: mergeValues(values, options?.values),
    });
  } else {
    const values = {
      ingressClass: { enabled: true, isDefaultClass: true, name: className },
      service: { enabled: true, annotations: serviceAnnotations },
      ports: { web: { http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } } } },
      // Ingress status carries the Service's address, which external-dns publishes.
      providers: { kubernetesIngress: { enabled: true, publishedService: { enabled: true } } },
      resources: helmResources({ cpuMillis: 100, memory: Size.mebibytes(96) }),
    } satisfies TraefikValuesOverrides;
    app = new HelmApp(layer, "traefik", {
      chart: chartOf(CHARTS.traefik, options),
      namespace: "traefik",
      podSecurity: "restricted",
      // The Service gets its address only once the configs layer (the MetalLB pool) is applied,
      // after this layer is ready: never wait for the external IP (Helm 3's legacy wait does).
      waitStrategy: "poller",
      crds: true,
      values: mergeValues(values, options?.values),
    });
  }
  if (ip === undefined) {
    app.node.addValidation({
      validate: () => [
        missingReservation(
          lab,
          "ingress",
          `the ${controller} Service needs a fixed address (every Ingress host name resolves to it)`,
        ),
      ],
    });
  }
  return app;
}

/** external-dns: the model's domain on Cloudflare, fully synchronized, records owned by this lab. */
function externalDns(layer: Layer, options: ChartOptions | undefined): HelmApp {
  const lab = Homelab.of(layer);
  const secret = lab.kubernetes.certificates.cloudflareApiTokenSecret;
  const values = {
    provider: { name: "cloudflare" },
    env: [{ name: "CF_API_TOKEN", valueFrom: { secretKeyRef: { name: secret, key: CLOUDFLARE_TOKEN_KEY } } }],
    sources: ["service", "ingress"],
    domainFilters: [lab.domain],
    // sync: records of removed Ingresses are deleted too; the TXT registry limits that to records this lab owns.
    policy: "sync",
    registry: "txt",
    txtOwnerId: lab.name,
    resources: helmResources({ cpuMillis: 10, memory: Size.mebibytes(48) }),
  } satisfies ExternalDnsValuesOverrides;
  const app = new HelmApp(layer, "external-dns", {
    chart: chartOf(CHARTS.externalDns, options),
    namespace: "external-dns",
    podSecurity: "restricted",
    values: mergeValues(values, options?.values),
  });
  layer.expectSecret(
    app.namespace,
    secret,
    `Cloudflare API token (key ${CLOUDFLARE_TOKEN_KEY}, permission Zone:DNS:Edit) for external-dns`,
  );
  return app;
}

/**
 * Longhorn: data on the hosts' Longhorn disks, volumes replicated on up to three of them, the
 * cluster's default StorageClass when the model says so. Its manager needs privileged pods.
 */
function longhorn(layer: Layer, options: ChartOptions | undefined): HelmApp {
  const lab = Homelab.of(layer);
  const withDisk = lab.hosts.filter((h) => h.disk?.longhorn !== undefined);
  const k3sNodes = lab.hosts.filter((h) => h.roles.some((r) => r.cluster === "k3s-server" || r.cluster === "k3s-agent"));
  const storageHosts = withDisk.length > 0 ? withDisk : k3sNodes;
  const replicas = Math.max(1, Math.min(3, storageHosts.length));
  const mountPoints = [...new Set(withDisk.map((h) => h.disk!.longhorn!.mountPoint))];
  const values = {
    ...(mountPoints.length === 1 ? { defaultSettings: { defaultDataPath: mountPoints[0] } } : {}),
    persistence: {
      defaultClass: lab.kubernetes.storageClass === "longhorn",
      defaultClassReplicaCount: replicas,
    },
    // Longhorn's docs: disable the pre-upgrade checker job under GitOps tools.
    preUpgradeChecker: { jobEnabled: false },
    longhornUI: { replicas: 1 },
    longhornManager: { resources: helmResources({ cpuMillis: 100, memory: Size.mebibytes(192) }) },
    csi: { attacherReplicaCount: 1, provisionerReplicaCount: 1, resizerReplicaCount: 1, snapshotterReplicaCount: 1 },
  } satisfies LonghornValuesOverrides;
  const app = new HelmApp(layer, "longhorn", {
    chart: chartOf(CHARTS.longhorn, options),
    namespace: "longhorn-system",
    podSecurity: "privileged",
    crds: true,
    timeout: Duration.minutes(10),
    values: mergeValues(values, options?.values),
  });
  if (mountPoints.length > 1) {
    const where = withDisk.map((h) => `hosts.${h.hostname}.disk.longhorn.mountPoint = "${h.disk!.longhorn!.mountPoint}"`);
    app.node.addValidation({
      validate: () => [
        `Longhorn has one default data path, but the hosts mount their Longhorn disks at different places (${where.join(", ")}). ` +
          `Mount them at the same path on every host.`,
      ],
    });
  }
  return app;
}

/** The CloudNativePG operator (with its CRDs), watching every namespace. */
function cloudnativePg(layer: Layer, options: ChartOptions | undefined): HelmApp {
  const values = {
    crds: { create: true },
    replicaCount: 1,
    resources: helmResources({ cpuMillis: 50, memory: Size.mebibytes(128) }),
  } satisfies CloudnativePgValuesOverrides;
  return new HelmApp(layer, "cloudnative-pg", {
    chart: chartOf(CHARTS.cloudnativePg, options),
    namespace: "cnpg-system",
    podSecurity: "restricted",
    crds: true,
    values: mergeValues(values, options?.values),
  });
}

/**
 * Pi-hole: DNS on TCP and UDP port 53 of the `pihole` reservation (two Services sharing the
 * address), forwarding to the model's upstream resolvers; the web UI behind the ingress
 * controller with a Let's Encrypt certificate. No persistent volume: the configuration comes
 * from these values, so the lab's DNS never waits for storage. The image runs as root,
 * so the namespace is "baseline".
 */
function pihole(layer: Layer, options: PiholeOptions | undefined): HelmApp {
  const lab = Homelab.of(layer);
  const ip = lab.loadBalancerIps.get("pihole");
  const host = lab.fqdn(options?.subdomain ?? "pihole");
  const secret = options?.adminPasswordSecret ?? "pihole-admin";
  const upstream = lab.upstreamDns.map((a) => a.toString());
  const dnsAnnotations: Record<string, string> = {
    [METALLB_SHARED_IP_ANNOTATION]: "pihole-dns",
    ...(ip === undefined ? {} : { [METALLB_IPS_ANNOTATION]: ip.toString() }),
  };
  const values = {
    // The chart joins DNS1 and DNS2 with ";" into FTLCONF_dns_upstreams: the first resolver, then the rest.
    DNS1: upstream[0] ?? "",
    DNS2: upstream.slice(1).join(";"),
    virtualHost: host,
    admin: { enabled: true, existingSecret: secret, passwordKey: "password" },
    serviceDns: {
      mixedService: false,
      type: "LoadBalancer",
      // Local keeps client addresses (per-client statistics and rules); MetalLB announces from the pod's node.
      externalTrafficPolicy: "Local",
      annotations: dnsAnnotations,
    },
    serviceDhcp: { enabled: false },
    serviceWeb: { type: "ClusterIP", http: { enabled: true }, https: { enabled: false } },
    ingress: {
      enabled: true,
      ingressClassName: ingressClassName(lab),
      annotations: { [CLUSTER_ISSUER_ANNOTATION]: CLUSTER_ISSUER_NAME },
      path: "/",
      pathType: "Prefix",
      hosts: [host],
      tls: [{ secretName: "pihole-tls", hosts: [host] }],
    },
    // The pod itself resolves through its own Pi-hole, then the upstreams (resolv.conf takes at most 3 nameservers).
    podDnsConfig: { enabled: true, policy: "None", nameservers: ["127.0.0.1", ...upstream.slice(0, 2)] },
    persistentVolumeClaim: { enabled: false },
    resources: helmResources({ cpuMillis: 50, memory: Size.mebibytes(128) }),
  } satisfies PiholeValuesOverrides;
  const app = new HelmApp(layer, "pihole", {
    chart: chartOf(CHARTS.pihole, options),
    namespace: "pihole",
    podSecurity: "baseline",
    // The DNS Services get their address once the configs layer (the MetalLB pool) is applied.
    waitStrategy: "poller",
    values: mergeValues(values, options?.values),
  });
  layer.expectSecret(app.namespace, secret, "Pi-hole web admin password (key password)");
  if (ip === undefined) {
    app.node.addValidation({
      validate: () => [
        missingReservation(
          lab,
          "pihole",
          "Pi-hole's DNS Services need a fixed LAN address (the one clients and the DHCP server hand out as resolver)",
          "pass { pihole: false } to new Infrastructure(...) to leave Pi-hole out",
        ),
      ],
    });
  }
  if (upstream.length === 0) {
    app.node.addValidation({
      validate: () => ["network.upstreamDns is empty: Pi-hole needs at least one upstream resolver to forward to. Add one, e.g. upstreamDns: [\"1.1.1.1\"]."],
    });
  }
  return app;
}
