/**
 * The catalogue of bad raw objects only the `schema` check catches (lib/check/schema): each is an
 * `ApiObject` a user adds to the fixture lab, and synth must refuse it with exit 1, naming the
 * document's path, with nothing written.
 */
import { ApiObject } from "cdk8s";
import { afterAll, describe, it } from "vitest";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { type BadInput, CatalogueProject } from "./helpers/catalogue.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";

type Obj = Record<string, any>;

/** The fixture lab plus one raw object (made by `make` from a fresh copy of `base`). */
function withObject(base: Obj, change: (o: Obj) => void): (app: HomelabApp) => void {
  return (app) => {
    defineKubernetes(app);
    const o = structuredClone(base);
    change(o);
    new ApiObject(app.apps, "raw", o as never);
  };
}

const deployment: Obj = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "whoami", namespace: "apps", labels: { "app.kubernetes.io/name": "whoami" } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { "app.kubernetes.io/name": "whoami" } },
    template: {
      metadata: { labels: { "app.kubernetes.io/name": "whoami" } },
      spec: {
        containers: [
          {
            name: "whoami",
            image: "traefik/whoami:v1.10",
            ports: [{ name: "http", containerPort: 80 }],
            resources: { requests: { cpu: "10m", memory: "16Mi" } },
          },
        ],
      },
    },
  },
};

const helmRelease: Obj = {
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
  metadata: { name: "whoami", namespace: "apps" },
  spec: {
    interval: "30m",
    chart: { spec: { chart: "whoami", version: "5.1.0", sourceRef: { kind: "HelmRepository", name: "cowboysysop" } } },
  },
};

const cluster: Obj = {
  apiVersion: "postgresql.cnpg.io/v1",
  kind: "Cluster",
  metadata: { name: "pg", namespace: "apps" },
  spec: { instances: 1, storage: { size: "5Gi" } },
};

const CASES: readonly BadInput[] = [
  {
    name: "a misspelled Deployment field (spec.replicass)",
    kubernetes: withObject(deployment, (o) => {
      o.spec.replicass = 2;
    }),
    path: "Deployment apps/whoami at spec.replicass",
    message: /unknown field \(not in the schema\); did you mean "replicas"\?/,
  },
  {
    name: "a misspelled field deep in a HelmRelease (chart.spec.verion)",
    kubernetes: withObject(helmRelease, (o) => {
      o.spec.chart.spec.verion = o.spec.chart.spec.version;
      delete o.spec.chart.spec.version;
    }),
    path: "HelmRelease apps/whoami at spec.chart.spec.verion",
    message: /did you mean "version"\?/,
  },
  {
    name: "a misspelled field in a custom resource's metadata (metadata.lables)",
    kubernetes: withObject(cluster, (o) => {
      o.metadata.lables = { team: "db" };
    }),
    path: "Cluster apps/pg at metadata.lables",
    message: /unknown field/,
  },
  {
    name: "a wrong type (replicas as a string)",
    kubernetes: withObject(deployment, (o) => {
      o.spec.replicas = "two";
    }),
    path: "Deployment apps/whoami at spec.replicas",
    message: /must be integer \(got "two"\)/,
  },
  {
    name: "a wrong type in a CRD (CNPG instances as a string)",
    kubernetes: withObject(cluster, (o) => {
      o.spec.instances = "1";
    }),
    path: "Cluster apps/pg at spec.instances",
    message: /must be integer/,
  },
  {
    name: "a missing required field (a container without a name)",
    kubernetes: withObject(deployment, (o) => {
      delete o.spec.template.spec.containers[0].name;
    }),
    path: "at spec.template.spec.containers[0].name",
    message: /required field is missing/,
  },
  {
    name: "a missing required field of a CRD (HelmRelease without interval)",
    kubernetes: withObject(helmRelease, (o) => {
      delete o.spec.interval;
    }),
    path: "HelmRelease apps/whoami at spec.interval",
    message: /required field is missing/,
  },
  {
    name: "a bad enum (imagePullPolicy: Sometimes)",
    kubernetes: withObject(deployment, (o) => {
      o.spec.template.spec.containers[0].imagePullPolicy = "Sometimes";
    }),
    path: "at spec.template.spec.containers[0].imagePullPolicy",
    message: /must be one of "Always", "IfNotPresent", "Never" \(got "Sometimes"\)/,
  },
  {
    name: "a bad enum in a CRD (sourceRef.kind: HelmRepo)",
    kubernetes: withObject(helmRelease, (o) => {
      o.spec.chart.spec.sourceRef.kind = "HelmRepo";
    }),
    path: "at spec.chart.spec.sourceRef.kind",
    message: /must be one of "HelmRepository", "GitRepository", "Bucket"/,
  },
  {
    name: "a bad quantity (cpu: lots)",
    kubernetes: withObject(deployment, (o) => {
      o.spec.template.spec.containers[0].resources.requests.cpu = "lots";
    }),
    path: "at spec.template.spec.containers[0].resources.requests.cpu",
    message: /must match format "quantity"/,
  },
  {
    name: "a bad object name (upper case and '_')",
    kubernetes: withObject(deployment, (o) => {
      o.metadata.name = "Who_Am_I";
    }),
    path: "Deployment apps/Who_Am_I at metadata.name",
    message: /"Who_Am_I" must be a DNS-1123 subdomain/,
  },
  {
    name: "a Service name that is not a DNS-1035 label (starts with a digit)",
    kubernetes: withObject(
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "1whoami", namespace: "apps" },
        spec: { ports: [{ port: 80 }] },
      },
      () => {},
    ),
    path: "Service apps/1whoami at metadata.name",
    message: /must be a DNS-1035 label/,
  },
  {
    name: "a label value with spaces",
    kubernetes: withObject(deployment, (o) => {
      o.metadata.labels["app.kubernetes.io/name"] = "who am i";
    }),
    path: 'at metadata.labels["app.kubernetes.io/name"]',
    message: /invalid label value "who am i"/,
  },
  {
    name: "a label key that is not a qualified name",
    kubernetes: withObject(deployment, (o) => {
      o.metadata.labels["bad key!"] = "x";
    }),
    path: 'at metadata.labels["bad key!"]',
    message: /invalid label key/,
  },
  {
    name: "CEL: a HelmRelease with both chart and chartRef",
    kubernetes: withObject(helmRelease, (o) => {
      o.spec.chartRef = { kind: "OCIRepository", name: "whoami" };
    }),
    path: "HelmRelease apps/whoami at spec:",
    message: /either chart or chartRef must be set, not both/,
  },
  {
    name: "CEL: retryInterval with the RemediateOnFailure install strategy",
    kubernetes: withObject(helmRelease, (o) => {
      o.spec.install = { strategy: { name: "RemediateOnFailure", retryInterval: "5m" } };
    }),
    path: "at spec.install.strategy.retryInterval",
    message: /can only be set when name is 'RetryOnFailure'/,
  },
  {
    name: "CEL: a CNPG Cluster with both imageName and imageCatalogRef",
    kubernetes: withObject(cluster, (o) => {
      o.spec.imageName = "ghcr.io/cloudnative-pg/postgresql:17";
      o.spec.imageCatalogRef = { apiGroup: "postgresql.cnpg.io", kind: "ClusterImageCatalog", name: "pg", major: 17 };
    }),
    path: "Cluster apps/pg at spec:",
    message: /imageName and imageCatalogRef are mutually exclusive/,
  },
  {
    name: "an API version Flux no longer serves (helm.toolkit.fluxcd.io/v2beta1)",
    kubernetes: withObject(helmRelease, (o) => {
      o.apiVersion = "helm.toolkit.fluxcd.io/v2beta1";
    }),
    path: "HelmRelease apps/whoami at apiVersion",
    message:
      /no schema for helm\.toolkit\.fluxcd\.io\/v2beta1 HelmRelease; HelmRelease is served as helm\.toolkit\.fluxcd\.io\/v2/,
  },
];

describe("catalogue: bad raw objects the schema check refuses", () => {
  const project = new CatalogueProject();
  afterAll(() => project.remove());
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, bad) => {
    project.expectRefused(bad);
  });
});
