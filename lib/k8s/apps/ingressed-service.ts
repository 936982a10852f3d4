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
        // A port that is not a port is reported by the Workload; the backend would only repeat it.
        if (portProblem("port", props.port) === undefined) {
          problems.push(...backendProblems(this.ingress, this.workload.service));
        }
        return problems;
      },
    });
  }
}

/** Every Ingress backend must name the Service and one of its ports (checked on the rendered objects, after any patches). */
function backendProblems(ingress: k8s.KubeIngress, service: k8s.KubeService): string[] {
  const ing = ingress.toJson() as { spec?: k8s.IngressSpec };
  const svc = service.toJson() as { metadata: { name: string }; spec?: k8s.ServiceSpec };
  const ports = svc.spec?.ports ?? [];
  const problems: string[] = [];
  for (const rule of ing.spec?.rules ?? []) {
    for (const path of rule.http?.paths ?? []) {
      const backend = path.backend.service;
      if (backend === undefined) continue;
      if (backend.name !== svc.metadata.name) {
        problems.push(
          `Ingress ${rule.host ?? ""}${path.path ?? ""} points at Service "${backend.name}", but the app's Service is "${svc.metadata.name}"`,
        );
        continue;
      }
      const port = backend.port;
      const match = ports.some((p) =>
        port?.number !== undefined ? p.port === port.number : port?.name !== undefined && p.name === port.name,
      );
      if (!match) {
        const want = port?.number ?? port?.name ?? "(none)";
        const have =
          ports.map((p) => (p.name !== undefined ? `${p.port} (${p.name})` : `${p.port}`)).join(", ") || "none";
        problems.push(
          `Ingress backend port ${want} is not a port of Service "${svc.metadata.name}" (its ports: ${have}): make them the same`,
        );
      }
    }
  }
  return problems;
}
