/**
 * The infrastructure's controllers as a table: one row per chart, saying what
 * to install (chart, namespace, Pod Security, CRDs, wait strategy, timeout), the
 * values this library sets for the lab, the Secrets the user keeps as SOPS files
 * and the model's problems for it. {@link addControllers} turns the rows into
 * HelmApps, one per row, each a direct child of its layer
 * (`dist/infrastructure/<layer>/<id>.yaml`).
 */
import { addPiholeNetworkPolicy } from "./pihole-network-policy.js";
import { Duration, Size } from "cdk8s";
import { Cpu } from "cdk8s-plus-30";
import type { CertManagerValuesOverrides } from "../../../imports/values/cert-manager.js";
import type { ExternalDnsValuesOverrides } from "../../../imports/values/external-dns.js";
import type { MetallbValuesOverrides } from "../../../imports/values/metallb.js";
import type { Homelab } from "../../model/index.js";
import type { HomelabApp } from "../homelab-app.js";
import type { PodSecurityLevel } from "../namespace.js";
import type { ChartSource } from "./chart-source.js";
import { CHARTS } from "./charts.js";
import {
  CLOUDFLARE_TOKEN_KEY,
  CLOUDFLARE_TOKEN_PERMISSIONS,
  CLUSTER_ISSUER_ANNOTATION,
  CLUSTER_ISSUER_NAME,
  METALLB_IPS_ANNOTATION,
  METALLB_SHARED_IP_ANNOTATION,
  ingressClassName,
  missingReservation,
} from "./conventions.js";
import { HelmApp, type HelmValues } from "./helm-app.js";
import type {
  ChartOptions,
  IngressControllerOptions,
  InfrastructureProps,
  PiholeOptions,
} from "./infrastructure-props.js";
import {
  helmResources,
  mergeValues,
  type CloudnativePgValuesOverrides,
  type IngressNginxValuesOverrides,
  type LonghornValuesOverrides,
  type PiholeValuesOverrides,
  type TraefikValuesOverrides,
} from "./values.js";

/** The controllers, by the option of {@link InfrastructureProps} that configures each. */
export type ControllerName =
  | "metallb"
  | "certManager"
  | "ingressController"
  | "externalDns"
  | "longhorn"
  | "cloudnativePg"
  | "pihole";

/**
 * The layer a controller is installed in: core networking (`controllers`), what the apps store
 * data with (`storage`), or optional (`addons`, which nothing waits for).
 */
export type ControllerLayer = "controllers" | "storage" | "addons";

/** One row of the table: a chart to install and how, for one lab. */
export interface ControllerRow {
  /** Construct id, file name and Helm release name. */
  readonly id: string;
  /** The layer the controller is installed in. */
  readonly layer: ControllerLayer;
  /** The pinned chart (the user's `version` replaces its version). */
  readonly chart: ChartSource;
  readonly namespace: string;
  readonly podSecurity: PodSecurityLevel;
  /** @default false */
  readonly crds?: boolean;
  /** @default Flux's default */
  readonly waitStrategy?: "poller";
  /** @default Flux's default */
  readonly timeout?: Duration;
  /** The values this library sets (the user's `values` are merged over them). */
  readonly values: HelmValues;
  /** Secrets in the release's namespace the user keeps as SOPS files. @default [] */
  readonly secrets?: readonly { readonly name: string; readonly purpose: string }[];
  /** What the model lacks for this chart, reported at synth. @default [] */
  readonly problems?: readonly string[];
}

const res = (millicores: number, mebibytes: number) =>
  helmResources({ cpu: Cpu.millis(millicores), memory: Size.mebibytes(mebibytes) });

/** MetalLB in L2 mode; its speaker needs host networking and NET_RAW, so its namespace is privileged. */
function metallb(): ControllerRow {
  const values = {
    crds: { enabled: true },
    // L2 announcements need neither FRR nor the frr-k8s subchart (on by default since 0.15).
    frrk8s: { enabled: false },
    controller: { resources: res(25, 48) },
    speaker: { frr: { enabled: false }, resources: res(25, 48) },
  } satisfies MetallbValuesOverrides;
  return {
    id: "metallb",
    layer: "controllers",
    chart: CHARTS.metallb,
    namespace: "metallb-system",
    podSecurity: "privileged",
    crds: true,
    values,
  };
}

/** cert-manager with its CRDs; DNS-01 self-checks ask the model's upstream resolvers, not the LAN's. */
function certManager(lab: Homelab): ControllerRow {
  const values = {
    crds: { enabled: true, keep: true },
    resources: res(25, 64),
    webhook: { resources: res(10, 32) },
    cainjector: { resources: res(10, 64) },
    startupapicheck: { resources: res(10, 32) },
    // A LAN resolver (Pi-hole) may answer for the lab's own domain; DNS-01 propagation checks
    // must see the public zone, so they go to the upstream resolvers only.
    ...(lab.upstreamDns.length > 0
      ? {
          dns01RecursiveNameservers: lab.upstreamDns.map((ip) => `${ip.toString()}:53`).join(","),
          dns01RecursiveNameserversOnly: true,
        }
      : {}),
  } satisfies CertManagerValuesOverrides;
  return {
    id: "cert-manager",
    layer: "controllers",
    chart: CHARTS.certManager,
    namespace: "cert-manager",
    podSecurity: "restricted",
    crds: true,
    values,
  };
}

/**
 * The ingress controller of the model, its Service on its reservation (`ingress` unless
 * {@link IngressControllerOptions.reservation} names another) and its
 * IngressClass (named by {@link ingressClassName}) the cluster default.
 *
 * ingress-nginx was retired upstream in March 2026: chart 4.15.1 is its last release and gets
 * no further fixes, security fixes included. Prefer Traefik (what k3s bundles).
 */
function ingressController(lab: Homelab, options: IngressControllerOptions): ControllerRow {
  const controller = lab.kubernetes.ingressController;
  const className = ingressClassName(lab);
  const reservation = options.reservation ?? "ingress";
  const ip = lab.loadBalancerIps.get(reservation);
  const annotations: Record<string, string> = ip === undefined ? {} : { [METALLB_IPS_ANNOTATION]: ip.toString() };
  const problems =
    ip === undefined
      ? [
          missingReservation(
            lab,
            reservation,
            `the ${controller} Service needs a fixed address (every Ingress host name resolves to it)`,
          ),
        ]
      : [];
  if (controller === "ingress-nginx") {
    const values = {
      controller: {
        ingressClass: className,
        ingressClassResource: {
          name: className,
          enabled: true,
          default: true,
          controllerValue: "k8s.io/ingress-nginx",
        },
        publishService: { enabled: true },
        replicaCount: 1,
        resources: res(100, 96),
        service: { type: "LoadBalancer", annotations, externalTrafficPolicy: "Local" },
      },
    } satisfies IngressNginxValuesOverrides;
    const chart = CHARTS.ingressNginx;
    return {
      id: "ingress-nginx",
      layer: "controllers",
      chart,
      namespace: "ingress-nginx",
      podSecurity: "restricted",
      waitStrategy: "poller",
      values,
      problems,
    };
  }
  const values = {
    ingressClass: { enabled: true, isDefaultClass: true, name: className },
    // Local keeps the client's address (MetalLB announces from the pod's node), so apps behind the ingress see
    // who is calling in X-Forwarded-For (brute-force throttling per client, not per node).
    service: { enabled: true, annotations, spec: { externalTrafficPolicy: "Local" } },
    ports: { web: { http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } } } },
    // Ingress status carries the Service's address, which external-dns publishes.
    providers: { kubernetesIngress: { enabled: true, publishedService: { enabled: true } } },
    resources: res(100, 96),
  } satisfies TraefikValuesOverrides;
  return {
    id: "traefik",
    layer: "controllers",
    chart: CHARTS.traefik,
    namespace: "traefik",
    podSecurity: "restricted",
    // The Service gets its address only once the configs layer (the MetalLB pool) is applied,
    // after this layer is ready: never wait for the external IP (Helm 3's legacy wait does).
    waitStrategy: "poller",
    crds: true,
    values,
    problems,
  };
}

/**
 * external-dns: the lab's host names published in the model's DNS zone on Cloudflare, fully
 * synchronized, records owned by this lab. The domain filter names the zone (`kubernetes.dns.zone`),
 * not the domain: the Cloudflare provider drops every zone the filter does not match, so a lab at
 * `home.example.com` in the zone `example.com` would publish nothing with the domain as filter.
 */
function externalDns(lab: Homelab): ControllerRow {
  const secret = lab.kubernetes.certificates.cloudflareApiTokenSecret;
  const values = {
    provider: { name: "cloudflare" },
    env: [{ name: "CF_API_TOKEN", valueFrom: { secretKeyRef: { name: secret, key: CLOUDFLARE_TOKEN_KEY } } }],
    sources: ["service", "ingress"],
    domainFilters: [lab.kubernetes.dns.zone],
    // sync: records of removed Ingresses are deleted too; the TXT registry limits that to records this lab owns.
    policy: "sync",
    registry: "txt",
    txtOwnerId: lab.name,
    resources: res(10, 48),
  } satisfies ExternalDnsValuesOverrides;
  const purpose =
    `Cloudflare API token (key ${CLOUDFLARE_TOKEN_KEY}, ${CLOUDFLARE_TOKEN_PERMISSIONS}) ` + "for external-dns";
  return {
    id: "external-dns",
    layer: "addons",
    chart: CHARTS.externalDns,
    namespace: "external-dns",
    podSecurity: "restricted",
    // The chart ships its DNSEndpoint CRD in crds/: create and replace it on install and upgrade.
    crds: true,
    values,
    secrets: [{ name: secret, purpose }],
  };
}

/**
 * Longhorn: data on the hosts' Longhorn disks, volumes replicated on up to three of them, the
 * cluster's default StorageClass when the model says so. Its manager needs privileged pods.
 */
function longhorn(lab: Homelab): ControllerRow {
  const withDisk = lab.hosts.filter((h) => h.disk?.longhorn !== undefined);
  const k3sNodes = lab.hostsWith("k3s-server", "k3s-agent");
  const storageHosts = withDisk.length > 0 ? withDisk : k3sNodes;
  const replicas = Math.max(1, Math.min(3, storageHosts.length));
  const mountPoints = [...new Set(withDisk.map((h) => h.disk!.longhorn!.mountPoint))];
  const values = {
    ...(mountPoints.length === 1 ? { defaultSettings: { defaultDataPath: mountPoints[0] } } : {}),
    persistence: { defaultClass: lab.kubernetes.storageClass === "longhorn", defaultClassReplicaCount: replicas },
    // Longhorn's docs: disable the pre-upgrade checker job under GitOps tools.
    preUpgradeChecker: { jobEnabled: false },
    longhornUI: { replicas: 1 },
    longhornManager: { resources: res(100, 192) },
    csi: { attacherReplicaCount: 1, provisionerReplicaCount: 1, resizerReplicaCount: 1, snapshotterReplicaCount: 1 },
  } satisfies LonghornValuesOverrides;
  const where = withDisk.map((h) => `hosts.${h.hostname}.disk.longhorn.mountPoint = "${h.disk!.longhorn!.mountPoint}"`);
  const problems =
    mountPoints.length > 1
      ? [
          "Longhorn has one default data path, but the hosts mount their Longhorn disks at different places " +
            `(${where.join(", ")}). ` +
            `Mount them at the same path on every host.`,
        ]
      : [];
  return {
    id: "longhorn",
    layer: "storage",
    chart: CHARTS.longhorn,
    namespace: "longhorn-system",
    podSecurity: "privileged",
    crds: true,
    timeout: Duration.minutes(10),
    values,
    problems,
  };
}

/** The CloudNativePG operator (with its CRDs), watching every namespace. */
function cloudnativePg(): ControllerRow {
  const values = {
    crds: { create: true },
    replicaCount: 1,
    resources: res(50, 128),
  } satisfies CloudnativePgValuesOverrides;
  return {
    id: "cloudnative-pg",
    layer: "storage",
    chart: CHARTS.cloudnativePg,
    namespace: "cnpg-system",
    podSecurity: "restricted",
    crds: true,
    values,
  };
}

/**
 * Pi-hole: DNS on TCP and UDP port 53 of its reservation (`pihole` unless {@link PiholeOptions.reservation}
 * names another) (two Services sharing the
 * address), forwarding to the model's upstream resolvers; the web UI behind the ingress
 * controller with a Let's Encrypt certificate. No persistent volume: the configuration comes
 * from these values, so the lab's DNS never waits for storage. The image runs as root,
 * so the namespace is "baseline".
 */
function pihole(lab: Homelab, options: PiholeOptions): ControllerRow {
  const ip = lab.loadBalancerIps.get(options.reservation ?? "pihole");
  const host = lab.fqdn(options.subdomain ?? "pihole");
  const secret = options.adminPasswordSecret ?? "pihole-admin";
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
    resources: res(50, 128),
  } satisfies PiholeValuesOverrides;
  const problems: string[] = [];
  if (ip === undefined) {
    problems.push(
      missingReservation(
        lab,
        options.reservation ?? "pihole",
        "Pi-hole's DNS Services need a fixed LAN address (the one clients and the DHCP server hand out as resolver)",
        "pass { pihole: false } to addInfrastructure(...) to leave Pi-hole out",
      ),
    );
  }
  if (upstream.length === 0) {
    problems.push(
      "network.upstreamDns is empty: Pi-hole needs at least one upstream resolver to forward to. " +
        'Add one, e.g. upstreamDns: ["1.1.1.1"].',
    );
  }
  return {
    id: "pihole",
    layer: "addons",
    chart: CHARTS.pihole,
    namespace: "pihole",
    podSecurity: "baseline",
    // The DNS Services get their address once the configs layer (the MetalLB pool) is applied.
    waitStrategy: "poller",
    values,
    secrets: [{ name: secret, purpose: "Pi-hole web admin password (key password)" }],
    problems,
  };
}

/** The table: each controller's row for a lab, in the order they are built. */
const ROWS: {
  readonly [K in ControllerName]: (
    lab: Homelab,
    options: NonNullable<InfrastructureProps[K]> & object,
  ) => ControllerRow;
} = {
  metallb,
  certManager,
  ingressController,
  externalDns,
  longhorn,
  cloudnativePg,
  pihole,
};

/**
 * Builds one HelmApp per row in its layer of `app`, leaving out those the props set to `false`.
 * The user's `version` and `values` of each option apply to its row.
 */
export function addControllers(
  app: HomelabApp,
  lab: Homelab,
  props: InfrastructureProps,
): { readonly [K in ControllerName]?: HelmApp } {
  const built: { [K in ControllerName]?: HelmApp } = {};
  for (const name of Object.keys(ROWS) as ControllerName[]) {
    const options = props[name];
    if (options === false) continue;
    // The model's choice: with kubernetes.dns.publish false nothing publishes records (the dns-published check warns).
    if (name === "externalDns" && !lab.kubernetes.dns.publish) continue;
    const row = ROWS[name](lab, (options ?? {}) as PiholeOptions);
    const user: ChartOptions = options ?? {};
    const layer = app[row.layer];
    const helmApp = new HelmApp(layer, row.id, {
      chart: user.version === undefined ? row.chart : row.chart.withVersion(user.version),
      namespace: row.namespace,
      podSecurity: row.podSecurity,
      ...(row.crds === true ? { crds: true } : {}),
      ...(row.waitStrategy !== undefined ? { waitStrategy: row.waitStrategy } : {}),
      ...(row.timeout !== undefined ? { timeout: row.timeout } : {}),
      values: mergeValues(row.values, user.values),
    });
    for (const s of row.secrets ?? []) layer.expectSecret(helmApp.namespace, s.name, s.purpose);
    const problems = row.problems ?? [];
    if (problems.length > 0) helmApp.node.addValidation({ validate: () => [...problems] });
    if (name === "pihole") addPiholeNetworkPolicy(helmApp);
    built[name] = helmApp;
  }
  return built;
}
