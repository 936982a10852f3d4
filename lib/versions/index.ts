/**
 * Every version the library pins, in one place Renovate understands: each pin sits under a
 * `// renovate:` comment naming its datasource and package, and renovate.json's regex manager
 * ({@link RENOVATE_CONFIG}) bumps the string below it. Charts are used by lib/k8s/infrastructure/charts.ts,
 * images by the constructs (WireGuardGateway's default image).
 *
 * Format, one pin per entry (a test checks that the regex finds every chart and image):
 * ```ts
 * // renovate: datasource=helm depName=metallb registryUrl=https://metallb.github.io/metallb
 * metallb: "0.16.1",
 * ```
 */

/** Helm chart versions, by chart. */
export const CHART_VERSIONS = {
  // renovate: datasource=helm depName=metallb registryUrl=https://metallb.github.io/metallb
  metallb: "0.16.1",
  // renovate: datasource=docker depName=quay.io/jetstack/charts/cert-manager
  certManager: "v1.21.1",
  // renovate: datasource=helm depName=traefik registryUrl=https://traefik.github.io/charts
  traefik: "41.3.0",
  // renovate: datasource=helm depName=ingress-nginx registryUrl=https://kubernetes.github.io/ingress-nginx
  ingressNginx: "4.15.1",
  // renovate: datasource=helm depName=external-dns registryUrl=https://kubernetes-sigs.github.io/external-dns/
  externalDns: "1.21.1",
  // renovate: datasource=helm depName=longhorn registryUrl=https://charts.longhorn.io
  longhorn: "1.12.1",
  // renovate: datasource=helm depName=cloudnative-pg registryUrl=https://cloudnative-pg.github.io/charts
  cloudnativePg: "0.29.0",
  // renovate: datasource=helm depName=pihole registryUrl=https://mojo2600.github.io/pihole-kubernetes/
  pihole: "2.38.0",
  // renovate: datasource=helm depName=kube-prometheus-stack registryUrl=https://prometheus-community.github.io/helm-charts
  kubePrometheusStack: "89.2.0",
} as const;

/** Container image tags, by image; the repository is the `depName` of the comment above each. */
export const IMAGE_TAGS = {
  // renovate: datasource=docker depName=docker.io/procustodibus/wireguard
  wireguard: "v1.0.20250521",
} as const;
