/**
 * The charts the infrastructure installs, each pinned to one exact version and
 * served from where its upstream publishes it. Bump a version here (or per lab
 * with `addInfrastructure(app, { metallb: { version } })`),
 * run the tests, commit: Flux upgrades on the next reconcile.
 *
 * The versions themselves live in lib/versions (where Renovate bumps them).
 * Versions were checked against the upstream repositories' tags and Chart.yaml
 * files; they agree with the CRDs and values schemas vendored in ../shared/crds.
 */
import { CHART_VERSIONS as V } from "../../versions/index.js";
import { ChartSource } from "./chart-source.js";

/** The pinned chart of every infrastructure controller. */
export const CHARTS = {
  /** MetalLB: chart version = MetalLB version (v0.16.1, the CRDs in imports/metallb.io.ts). */
  metallb: ChartSource.helmRepository({
    url: "https://metallb.github.io/metallb",
    chart: "metallb",
    version: V.metallb,
  }),
  /**
   * cert-manager v1.21.1 (the CRDs in imports/cert-manager.io.ts). Upstream's install docs use the
   * OCI chart on quay.io; its tags carry the leading "v".
   */
  certManager: ChartSource.oci({ url: "oci://quay.io/jetstack/charts/cert-manager", version: V.certManager }),
  /** Traefik chart 41.3.0 (Traefik Proxy v3.7.11). */
  traefik: ChartSource.helmRepository({
    url: "https://traefik.github.io/charts",
    chart: "traefik",
    version: V.traefik,
  }),
  /**
   * ingress-nginx chart 4.15.1 (controller v1.15.1), the last release: ingress-nginx was retired
   * upstream in March 2026 and gets no further fixes, security ones included.
   */
  ingressNginx: ChartSource.helmRepository({
    url: "https://kubernetes.github.io/ingress-nginx",
    chart: "ingress-nginx",
    version: V.ingressNginx,
  }),
  /**
   * external-dns chart 1.21.1 (external-dns v0.21.0): the newest chart released. The repository's
   * v0.22.0 tag (the source of imports/values/external-dns.ts) still carries chart 1.21.1 plus
   * unreleased changes, so the values set here are limited to what both accept.
   */
  externalDns: ChartSource.helmRepository({
    url: "https://kubernetes-sigs.github.io/external-dns/",
    chart: "external-dns",
    version: V.externalDns,
  }),
  /** Longhorn 1.12.1 (chart version = Longhorn version). */
  longhorn: ChartSource.helmRepository({ url: "https://charts.longhorn.io", chart: "longhorn", version: V.longhorn }),
  /** CloudNativePG operator chart 0.29.0, which ships operator 1.30.0 (the CRDs in imports/postgresql.cnpg.io.ts). */
  cloudnativePg: ChartSource.helmRepository({
    url: "https://cloudnative-pg.github.io/charts",
    chart: "cloudnative-pg",
    version: V.cloudnativePg,
  }),
  /** Pi-hole chart 2.38.0 by MoJo2600 (Pi-hole 2026.07.2, the v6 line configured with FTLCONF_* variables). */
  pihole: ChartSource.helmRepository({
    url: "https://mojo2600.github.io/pihole-kubernetes/",
    chart: "pihole",
    version: V.pihole,
  }),
  /**
   * kube-prometheus-stack 89.2.0 (prometheus-operator v0.93.1; the ServiceMonitor, PodMonitor and PrometheusRule
   * CRDs in imports/monitoring.coreos.com.ts are v0.93.0, the same API). Installed only with `monitoring`.
   */
  kubePrometheusStack: ChartSource.helmRepository({
    url: "https://prometheus-community.github.io/helm-charts",
    chart: "kube-prometheus-stack",
    version: V.kubePrometheusStack,
  }),
} as const satisfies Record<string, ChartSource>;

/** Names of the pinned charts. */
export type ChartName = keyof typeof CHARTS;
