/**
 * `IngressedService`: an HTTP app reachable at `https://<subdomain>.<domain>`.
 * A {@link Workload} (Deployment + ClusterIP Service, optional volume) and an
 * Ingress that takes its class from the lab's ingress controller, its TLS
 * certificate from cert-manager (ClusterIssuer `letsencrypt`) and its DNS
 * record from external-dns. Class and issuer names come from the
 * infrastructure's conventions (`../infrastructure/conventions.ts`), so the two
 * sides cannot disagree; the host name comes from the model, never from the
 * construct.
 */
import { k8s } from "cdk8s-plus-30";
import { Construct } from "constructs";
import { Homelab } from "../../model/index.js";
import { isRfc1123Subdomain } from "../../model/names.js";
import { CLUSTER_ISSUER_ANNOTATION, CLUSTER_ISSUER_NAME, ingressClassName } from "../infrastructure/conventions.js";
import { Workload, type WorkloadOptions } from "./workload.js";
import { portProblem, stringProblem } from "../props.js";
import { NetworkPeer } from "../network-peer.js";

/** Where an app is exposed. */
export interface IngressOptions {
  /**
   * The app's host is `<subdomain>.<domain>` (the domain from the model); `""` is the domain itself.
   * @default the construct id
   */
  readonly subdomain?: string;
}

/** Props of an {@link IngressedService}. */
export interface IngressedServiceProps extends WorkloadOptions, IngressOptions {
  /**
   * Name of the Deployment, Service and Ingress (the TLS Secret is `<name>-tls`).
   * @default the construct id
   */
  readonly name?: string;
}

/**
 * An HTTP app behind the lab's ingress controller, with a Let's Encrypt certificate and a DNS record.
 *
 * @example
 * new IngressedService(app.apps, "whoami", {
 *   image: "traefik/whoami:v1.10.3",
 *   port: 80,
 *   subdomain: "who", // https://who.<domain>
 * });
 */
export class IngressedService extends Construct {
  /** The app's host name, `<subdomain>.<domain>`. */
  readonly host: string;
  /** The Deployment, Service and (optional) volume. */
  readonly workload: Workload;
  /** The Ingress (L1, for escape hatches). */
  readonly ingress: k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: IngressedServiceProps) {
    super(scope, id);
    const lab = Homelab.of(this);
    const name = typeof props.name === "string" ? props.name : id;
    const subdomain = typeof props.subdomain === "string" ? props.subdomain : id;
    this.host = lab.fqdn(subdomain);
    this.workload = new Workload(this, "workload", { ...props, name, namespace: props.namespace ?? id });
    // The ingress controller forwards to the pods' port (the Service's target).
    if (portProblem("port", props.port) === undefined) {
      this.workload.networkPolicy.allowIngress(NetworkPeer.ingressController(), [{ port: props.port }]);
    }

    this.ingress = new k8s.KubeIngress(this, "ingress", {
      metadata: {
        name,
        namespace: this.workload.namespace,
        labels: { ...this.workload.labels },
        annotations: {
          [CLUSTER_ISSUER_ANNOTATION]: CLUSTER_ISSUER_NAME,
          "external-dns.alpha.kubernetes.io/hostname": this.host,
        },
      },
      spec: {
        ingressClassName: ingressClassName(lab),
        tls: [{ hosts: [this.host], secretName: `${name}-tls` }],
        rules: [
          {
            host: this.host,
            http: {
              paths: [
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: { service: { name: this.workload.service.name, port: { number: props.port } } },
                },
              ],
            },
          },
        ],
      },
    });

    this.node.addValidation({
      validate: () => {
        const problems: string[] = [];
        for (const prop of ["name", "subdomain"] as const) {
          const p = props[prop] === undefined ? undefined : stringProblem(prop, props[prop]);
          if (p !== undefined) problems.push(p);
        }
        if (subdomain !== "" && !isRfc1123Subdomain(subdomain)) {
          problems.push(
            `subdomain "${subdomain}" is not a DNS name: use lowercase letters, digits, "-" and "." (the host is <subdomain>.${lab.domain})`,
          );
        }
        // The backend naming the Service and its port is checked on the rendered objects (after any
        // escape-hatch patches) by the `ingress-backends` check, which sees every Ingress of the lab.
        return problems;
      },
    });
  }
}
