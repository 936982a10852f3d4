/**
 * The catalogue of bad inputs for the cross-layer and reference checks (lib/check/references) and
 * the model's reservation rules: each is a lab a user could write, refused by the real writer with
 * exit 1, the offending value's path, a message that says what to do, and nothing written.
 */
import { ApiObject, Size } from "cdk8s";
import { afterAll, describe, it } from "vitest";
import {
  EnvValue,
  IngressedService,
  addInfrastructure,
  declareExternal,
  type HomelabApp,
  type ExternalObjectProps,
  type IngressedServiceProps,
} from "../lib/k8s/index.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";
import { nextcloud } from "./fixtures/lab/nextcloud.js";
import { type BadInput, CatalogueProject } from "./helpers/catalogue.js";

/** The fixture lab plus `extra`. */
const withLab =
  (extra: (app: HomelabApp) => void) =>
  (app: HomelabApp): void => {
    defineKubernetes(app);
    extra(app);
  };

/** A raw object in the apps layer. */
const raw = (app: HomelabApp, id: string, obj: object) => new ApiObject(app.apps, id, obj as never);

const service = (annotations: Record<string, string>, spec: object = {}) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "dns", namespace: "blocky", annotations },
  spec: { type: "LoadBalancer", ports: [{ name: "dns", port: 53, protocol: "UDP" }], ...spec },
});

/** A one-container Deployment in namespace `demo` with `container` and `pod` fields. */
const deployment = (container: object, pod: object = {}) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api", namespace: "demo" },
  spec: {
    selector: { matchLabels: { app: "api" } },
    template: {
      metadata: { labels: { app: "api" } },
      spec: { containers: [{ name: "api", image: "docker.io/library/nginx:1.27", ...container }], ...pod },
    },
  },
});

const ingress = (host: string, backend: { name: string; port: object }) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "extra", namespace: "nextcloud" },
  spec: {
    rules: [{ host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: backend } }] } }],
  },
});

const helmRelease = (name: string, dependsOn: string[]) => ({
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
  metadata: { name, namespace: "flux-system" },
  spec: {
    interval: "10m",
    chart: { spec: { chart: name, version: "1.0.0", sourceRef: { kind: "HelmRepository", name: "charts" } } },
    dependsOn: dependsOn.map((d) => ({ name: d })),
  },
});

const whoami = (app: HomelabApp, props: Partial<IngressedServiceProps>) =>
  new IngressedService(app.apps, "whoami", {
    image: "docker.io/traefik/whoami:v1.10.4",
    port: 8080,
    ...props,
  });

const CASES: readonly BadInput[] = [
  {
    name: "a load-balancer reservation on the LAN's broadcast address",
    spec: (s) => {
      s.network.metallbPool = "192.168.1.200-192.168.1.255";
      s.network.loadBalancerIps.dns = "192.168.1.255";
    },
    path: "network.loadBalancerIps.dns",
    message: /192\.168\.1\.255 is the broadcast address of the LAN 192\.168\.1\.0\/24/,
  },
  {
    name: "a load-balancer reservation on the LAN's network address",
    spec: (s) => {
      s.network.metallbPool = ["192.168.1.0/32", "192.168.1.200-192.168.1.220"];
      s.network.loadBalancerIps.dns = "192.168.1.0";
    },
    path: "network.loadBalancerIps.dns",
    message: /is the network address of the LAN/,
  },
  {
    name: "one reservation used by two LoadBalancer Services",
    kubernetes: withLab((app) => raw(app, "blocky", service({ "metallb.io/loadBalancerIPs": "192.168.1.201" }))),
    path: 'metadata.annotations["metallb.io/loadBalancerIPs"]',
    message: /\(network\.loadBalancerIps\.wireguard\) is also held by Service wireguard\/wireguard/,
  },
  {
    name: "a Service asking MetalLB for a pool address that is not a reservation",
    kubernetes: withLab((app) => raw(app, "blocky", service({ "metallb.io/loadBalancerIPs": "192.168.1.215" }))),
    path: 'metadata.annotations["metallb.io/loadBalancerIPs"]',
    message: /192\.168\.1\.215 is in the MetalLB pool but not a reservation of the model.*network\.loadBalancerIps/,
  },
  {
    name: "a Service's spec.loadBalancerIP on the LAN's broadcast address",
    kubernetes: withLab((app) => raw(app, "blocky", service({}, { loadBalancerIP: "192.168.1.255" }))),
    path: "spec.loadBalancerIP",
    message: /load-balancer IP 192\.168\.1\.255 is the broadcast address of the LAN/,
  },
  {
    name: "two Ingresses with one host",
    kubernetes: withLab((app) => whoami(app, { subdomain: "cloud" })),
    path: "spec.rules[0].host",
    message: /host "cloud\.home\.example\.com" is also served by Ingress nextcloud\/nextcloud/,
  },
  {
    name: "an Ingress host outside the lab's domain",
    kubernetes: withLab((app) =>
      raw(app, "extra", ingress("cloud.example.org", { name: "nextcloud", port: { number: 80 } })),
    ),
    path: "spec.rules[0].host",
    message: /host "cloud\.example\.org" is not under the lab's domain home\.example\.com/,
  },
  {
    name: "an Ingress backend to a Service that does not exist",
    kubernetes: withLab((app) =>
      raw(app, "extra", ingress("files.home.example.com", { name: "nextclod", port: { number: 80 } })),
    ),
    path: "spec.rules[0].http.paths[0].backend.service.name",
    message: /backend Service nextcloud\/nextclod does not exist.*Did you mean "nextcloud"\?/,
  },
  {
    name: "an Ingress backend to a port the Service does not have",
    kubernetes: withLab((app) =>
      raw(app, "extra", ingress("files.home.example.com", { name: "nextcloud", port: { name: "https" } })),
    ),
    path: "spec.rules[0].http.paths[0].backend.service.port.name",
    message: /Service nextcloud\/nextcloud has no port named "https" \(its ports: 80 \(http\)\)/,
  },
  {
    name: "a container reading a Secret that nothing creates",
    kubernetes: withLab((app) => whoami(app, { env: { API_TOKEN: EnvValue.fromSecret("whoami-token", "token") } })),
    path: "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name",
    message: /Secret whoami\/whoami-token is read here but nothing makes it.*declareExternal/,
  },
  {
    name: "a container reading a ConfigMap that nothing creates",
    kubernetes: withLab((app) =>
      raw(app, "api", deployment({ envFrom: [{ configMapRef: { name: "api-settings" } }] })),
    ),
    path: "spec.template.spec.containers[0].envFrom[0].configMapRef.name",
    message: /ConfigMap demo\/api-settings is read here but nothing makes it.*Render the ConfigMap/,
  },
  {
    name: "a pod mounting a PVC that nothing creates",
    kubernetes: withLab((app) =>
      raw(app, "api", deployment({}, { volumes: [{ name: "d", persistentVolumeClaim: { claimName: "api-data" } }] })),
    ),
    path: "spec.template.spec.volumes[0].persistentVolumeClaim.claimName",
    message: /PersistentVolumeClaim demo\/api-data is read here but nothing makes it/,
  },
  {
    name: "a pod running as a ServiceAccount that nothing creates",
    kubernetes: withLab((app) => raw(app, "api", deployment({}, { serviceAccountName: "api" }))),
    path: "spec.template.spec.serviceAccountName",
    message: /ServiceAccount demo\/api is read here but nothing makes it.*use "default"/,
  },
  {
    name: "an Ingress's TLS Secret that neither cert-manager nor the lab makes",
    kubernetes: withLab((app) =>
      raw(app, "extra", {
        ...ingress("files.home.example.com", { name: "nextcloud", port: { number: 80 } }),
        spec: { tls: [{ hosts: ["files.home.example.com"], secretName: "files-tls" }] },
      }),
    ),
    path: "spec.tls[0].secretName",
    message: /Secret nextcloud\/files-tls is read here but nothing makes it/,
  },
  {
    name: "a PVC naming a storage class that does not exist",
    kubernetes: withLab((app) =>
      whoami(app, { storage: { size: Size.gibibytes(1), mountPath: "/data", storageClass: "fast-ssd" } }),
    ),
    path: "spec.storageClassName",
    message: /storage class "fast-ssd" does not exist: the lab has no StorageClass of that name/,
  },
  {
    name: "the default storage class longhorn with Longhorn turned off",
    kubernetes: (app) => {
      addInfrastructure(app, { longhorn: false });
      nextcloud(app);
    },
    path: "spec.storage.storageClass",
    message:
      /storage class "longhorn" \(kubernetes\.storageClass in the spec\) does not exist: the lab does not install Longhorn/,
  },
  {
    name: "a Flux dependsOn cycle",
    kubernetes: withLab((app) => {
      raw(app, "first", helmRelease("first", ["second"]));
      raw(app, "second", helmRelease("second", ["first"]));
    }),
    path: "spec.dependsOn[0].name",
    message:
      /HelmReleases depend on each other in a cycle: flux-system\/first -> flux-system\/second -> flux-system\/first/,
  },
  {
    name: "a Flux dependsOn to nothing",
    kubernetes: withLab((app) => raw(app, "first", helmRelease("first", ["metallb-controller"]))),
    path: "spec.dependsOn[0].name",
    message: /depends on HelmRelease flux-system\/metallb-controller, which the lab does not render/,
  },
  {
    name: "a host's memory in a notation the model does not read",
    spec: (s) => {
      s.hosts[2].hardware = { cores: 4, memory: "4GB" };
    },
    path: "hosts[2].hardware.memory",
    message: /must be a memory size, got "4GB".*"4G"/,
  },
  {
    name: "an external declaration without a namespace or a reason",
    kubernetes: withLab((app) =>
      declareExternal(app.apps, { kind: "Secret", name: "smb-credentials", reason: " " } as ExternalObjectProps),
    ),
    path: "[apps] declareExternal",
    message: /namespace undefined is missing or invalid.*\n.*give a reason/,
  },
];

describe("catalogue: references and reservations", () => {
  const project = new CatalogueProject();
  afterAll(() => project.remove());
  for (const bad of CASES) it(bad.name, () => void project.expectRefused(bad));
});
