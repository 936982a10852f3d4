/**
 * The configuration of the controllers: custom resources applied by the
 * configs layer once the controllers (and so their CRDs) are ready. Each
 * function builds one unit, a direct child of the layer (one file).
 */
import { Construct } from "constructs";
import { ClusterIssuer } from "../../../imports/cert-manager.io.js";
import { IpAddressPool, L2Advertisement } from "../../../imports/metallb.io.js";
import type { Homelab } from "../../model/index.js";
import { commonLabels } from "../defaults.js";
import type { Layer } from "../homelab-app.js";
import { ensureNamespace } from "../namespace.js";
import {
  CLOUDFLARE_TOKEN_KEY,
  CLOUDFLARE_TOKEN_PERMISSIONS,
  CLUSTER_ISSUER_NAME,
  LETS_ENCRYPT_SERVERS,
} from "./conventions.js";

/** Name of the MetalLB address pool (and of its L2 advertisement). */
export const METALLB_POOL_NAME = "homelab-pool";

/** `metallb-config`: the model's pool, announced on the LAN (layer 2), in MetalLB's namespace. */
export function addMetallbConfig(
  layer: Layer,
  lab: Homelab,
  namespace: string,
  autoAssign: boolean,
): { readonly ipAddressPool: IpAddressPool; readonly l2Advertisement: L2Advertisement } {
  const labels = commonLabels(lab.name);
  const unit = new Construct(layer, "metallb-config");
  const ns = ensureNamespace(unit, namespace, "privileged");
  const ipAddressPool = new IpAddressPool(unit, "pool", {
    metadata: { name: METALLB_POOL_NAME, namespace: ns, labels },
    spec: { addresses: lab.metallbPool.map((r) => r.toString()), autoAssign },
  });
  const l2Advertisement = new L2Advertisement(unit, "l2", {
    metadata: { name: METALLB_POOL_NAME, namespace: ns, labels },
    spec: { ipAddressPools: [METALLB_POOL_NAME] },
  });
  return { ipAddressPool, l2Advertisement };
}

/** `cert-manager-config`: Let's Encrypt with DNS-01 challenges answered through Cloudflare. */
export function addCertManagerConfig(layer: Layer, lab: Homelab, namespace: string): ClusterIssuer {
  const certs = lab.kubernetes.certificates;
  const unit = new Construct(layer, "cert-manager-config");
  const ns = ensureNamespace(unit, namespace, "restricted");
  layer.expectSecret(
    ns,
    certs.cloudflareApiTokenSecret,
    `Cloudflare API token (key ${CLOUDFLARE_TOKEN_KEY}, ${CLOUDFLARE_TOKEN_PERMISSIONS}) ` +
      "for the ClusterIssuer's DNS-01 challenges",
  );
  return new ClusterIssuer(unit, "cluster-issuer", {
    metadata: { name: CLUSTER_ISSUER_NAME, labels: commonLabels(lab.name) },
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
