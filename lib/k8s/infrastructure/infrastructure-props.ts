/**
 * The options of {@link addInfrastructure}: per chart, a version and values, or `false` to leave
 * it out.
 */
import type { MonitoringOptions } from "../monitoring/monitoring-props.js";
import type { HelmValues } from "./helm-app.js";

/** Options of one infrastructure chart. */
export interface ChartOptions {
  /**
   * The exact chart version to install instead of the pinned one.
   * @default the version this library pins (named on each option of {@link InfrastructureProps})
   */
  readonly version?: string;
  /**
   * Values merged over the ones this library sets, the way Helm merges values files
   * (maps key by key, lists replaced, `null` removes a key).
   * @default {} - only the library's values
   */
  readonly values?: HelmValues;
}

/** Options of the ingress controller's chart. */
export interface IngressControllerOptions extends ChartOptions {
  /**
   * Name of the load-balancer IP reservation (`network.loadBalancerIps.<name>`) the controller's Service
   * takes, e.g. `"nginx"` for a lab whose `vars.nix` has `nginxIp`.
   * @default "ingress"
   */
  readonly reservation?: string;
}

/** Options of the Pi-hole chart. */
export interface PiholeOptions extends ChartOptions {
  /**
   * Name of the load-balancer IP reservation (`network.loadBalancerIps.<name>`) Pi-hole's DNS Services take.
   * @default "pihole"
   */
  readonly reservation?: string;
  /**
   * Secret in namespace `pihole` (key `password`) with the web admin password; keep it as a
   * SOPS-encrypted file, synth carries it into the addons layer.
   * @default "pihole-admin"
   */
  readonly adminPasswordSecret?: string;
  /**
   * The web UI is served at `<subdomain>.<domain>`.
   * @default "pihole"
   */
  readonly subdomain?: string;
}

/** Options for {@link addInfrastructure}. */
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
  readonly ingressController?: IngressControllerOptions;
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
  /**
   * The monitoring stack (kube-prometheus-stack): every host a node_exporter target, the built-in alert rules,
   * Grafana behind the ingress. Pass `{}` for the defaults.
   * @default undefined - no monitoring stack
   */
  readonly monitoring?: MonitoringOptions;
}
