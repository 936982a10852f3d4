/**
 * Names the infrastructure creates and every app refers to. Apps read them from
 * here (or from an {@link Infrastructure}'s fields) instead of repeating strings.
 */
import type { Homelab } from "../../model/index.js";

/**
 * The IngressClass every Ingress of the lab uses: named after the model's ingress controller
 * (`kubernetes.ingressController`, "traefik" or "ingress-nginx"). The controller chart creates
 * it under exactly this name and marks it as the cluster's default class.
 */
export function ingressClassName(homelab: Homelab): string {
  return homelab.kubernetes.ingressController;
}

/** The ClusterIssuer that signs the lab's certificates (Let's Encrypt, DNS-01 through Cloudflare). */
export const CLUSTER_ISSUER_NAME = "letsencrypt";

/** The Ingress annotation that makes cert-manager issue the Ingress's TLS certificate. */
export const CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";

/** The key of the Cloudflare API token in the Secret named by `certificates.cloudflareApiTokenSecret`. */
export const CLOUDFLARE_TOKEN_KEY = "api-token";

/**
 * What the Cloudflare API token must be allowed (cert-manager's and external-dns's Cloudflare docs):
 * edit the zone's records, and read the zones to find the one a name is in.
 */
export const CLOUDFLARE_TOKEN_PERMISSIONS = "permissions Zone:DNS:Edit and Zone:Zone:Read";

/** The MetalLB Service annotation that requests a specific address (`metallb.universe.tf/*` is deprecated). */
export const METALLB_IPS_ANNOTATION = "metallb.io/loadBalancerIPs";

/** The MetalLB Service annotation that lets Services with the same value share one address. */
export const METALLB_SHARED_IP_ANNOTATION = "metallb.io/allow-shared-ip";

/** ACME directory URLs of Let's Encrypt. */
export const LETS_ENCRYPT_SERVERS = {
  production: "https://acme-v02.api.letsencrypt.org/directory",
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

/** An error message for a missing `network.loadBalancerIps.<name>` reservation, with the fix. */
export function missingReservation(homelab: Homelab, name: string, purpose: string, optOut?: string): string {
  const pool = homelab.metallbPool.map((r) => r.toString()).join(", ");
  const known = [...homelab.loadBalancerIps.keys()].map((k) => `"${k}"`).join(", ") || "none";
  return (
    `network.loadBalancerIps.${name} is missing: ${purpose}. ` +
    `Add loadBalancerIps: { ${name}: "<a free address in the MetalLB pool ${pool}>" } to the network section ` +
    `(reservations now: ${known})` +
    (optOut !== undefined ? `, or ${optOut}.` : ".")
  );
}
