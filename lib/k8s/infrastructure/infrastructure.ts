/**
 * The infrastructure every app of the lab stands on, as Flux applies it:
 *
 * - `dist/infrastructure/controllers/`: core networking, one file per controller, each a
 *   HelmRepository (or OCIRepository) and a HelmRelease: `metallb`, `cert-manager` and the
 *   ingress controller (`traefik` or `ingress-nginx`, from the model).
 * - `dist/infrastructure/configs/`: the custom resources of those controllers, applied only
 *   once the controllers (and so their CRDs) are ready: `metallb-config` (the address pool
 *   and its L2 advertisement) and `cert-manager-config` (the Let's Encrypt ClusterIssuer).
 * - `dist/infrastructure/storage/`: `longhorn` and `cloudnative-pg`, which the apps wait for.
 * - `dist/infrastructure/addons/`: `external-dns` and `pihole`, which nothing waits for.
 *
 * (The table in controllers.ts says which controller goes where.)
 *
 * It is a function, not a construct: what it makes lives in several layers, so it adds each unit
 * to the layer it belongs to and returns what it made. The construct tree is the truth:
 * `app/controllers/metallb`, `app/configs/metallb-config`, ... and nothing else.
 *
 * Every address, host name and domain comes from the model (`Homelab.of(app)`).
 */
import type { ClusterIssuer } from "../../../imports/cert-manager.io.js";
import type { IpAddressPool, L2Advertisement } from "../../../imports/metallb.io.js";
import { Homelab } from "../../model/index.js";
import type { HomelabApp } from "../homelab-app.js";
import { addCertManagerConfig, addMetallbConfig } from "./configs.js";
import { CLUSTER_ISSUER_NAME, ingressClassName } from "./conventions.js";
import { addControllers } from "./controllers.js";
import type { HelmApp } from "./helm-app.js";
import type { InfrastructureProps } from "./infrastructure-props.js";
import { addMonitoring, type Monitoring } from "../monitoring/monitoring.js";
import { controllerMetrics } from "../monitoring/controller-monitors.js";

export { METALLB_POOL_NAME } from "./configs.js";
export type {
  ChartOptions,
  IngressControllerOptions,
  InfrastructureProps,
  PiholeOptions,
} from "./infrastructure-props.js";

/** What {@link addInfrastructure} made, for the apps that stand on it. */
export interface Infrastructure {
  /** The IngressClass every Ingress uses (created by the ingress controller, the cluster default). */
  readonly ingressClassName: string;
  /** The ClusterIssuer for TLS certificates (annotate Ingresses with `cert-manager.io/cluster-issuer`). */
  readonly clusterIssuerName: string;
  /** MetalLB (`controllers/metallb`). */
  readonly metallb: HelmApp;
  /** cert-manager (`controllers/cert-manager`). */
  readonly certManager: HelmApp;
  /** The ingress controller (`controllers/traefik` or `controllers/ingress-nginx`). */
  readonly ingressController: HelmApp;
  /** external-dns (`addons/external-dns`), unless the model publishes no records (`kubernetes.dns.publish: false`). */
  readonly externalDns: HelmApp | undefined;
  /** Longhorn (`storage/longhorn`), unless left out. */
  readonly longhorn: HelmApp | undefined;
  /** The CloudNativePG operator (`storage/cloudnative-pg`). */
  readonly cloudnativePg: HelmApp;
  /** Pi-hole (`addons/pihole`), unless left out. */
  readonly pihole: HelmApp | undefined;
  /** The MetalLB address pool: the model's `network.metallbPool` (`configs/metallb-config/pool`). */
  readonly ipAddressPool: IpAddressPool;
  /** The L2 advertisement of {@link ipAddressPool}. */
  readonly l2Advertisement: L2Advertisement;
  /** The Let's Encrypt ClusterIssuer (`configs/cert-manager-config/cluster-issuer`). */
  readonly clusterIssuer: ClusterIssuer;
  /** The monitoring stack (`storage/kube-prometheus-stack`, `apps/alert-rules`), when `monitoring` is given. */
  readonly monitoring: Monitoring | undefined;
}

/**
 * Adds the lab's infrastructure to the app's layers: core networking to `app.controllers`, its
 * configuration to `app.configs`, Longhorn and CloudNativePG to `app.storage`, external-dns and
 * Pi-hole to `app.addons`, one file per unit. Call it once per lab:
 * ```ts
 * const infra = addInfrastructure(app);
 * // infra.ingressClassName, infra.clusterIssuerName for the apps' Ingresses;
 * // wg.node.addDependency(infra.ingressController) to order constructs on a real one
 * ```
 */
export function addInfrastructure(app: HomelabApp, props: InfrastructureProps = {}): Infrastructure {
  const lab = Homelab.of(app);
  const controllers = addControllers(app, lab, props);
  const metallb = controllers.metallb!;
  const certManager = controllers.certManager!;
  const { ipAddressPool, l2Advertisement } = addMetallbConfig(
    app.configs,
    lab,
    metallb.namespace,
    props.metallbAutoAssign ?? false,
  );
  const clusterIssuer = addCertManagerConfig(app.configs, lab, certManager.namespace);
  return {
    ingressClassName: ingressClassName(lab),
    clusterIssuerName: CLUSTER_ISSUER_NAME,
    metallb,
    certManager,
    ingressController: controllers.ingressController!,
    externalDns: controllers.externalDns,
    longhorn: controllers.longhorn,
    cloudnativePg: controllers.cloudnativePg!,
    pihole: controllers.pihole,
    ipAddressPool,
    l2Advertisement,
    clusterIssuer,
    monitoring:
      props.monitoring === undefined
        ? undefined
        : addMonitoring(app, lab, props.monitoring, controllerMetrics(controllers)),
  };
}
