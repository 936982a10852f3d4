/**
 * The schema validators themselves: they pass valid manifests and fail broken
 * ones, naming the document and the path of the offending field.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  celRules,
  checkDistTree,
  checkManifest,
  cnpgScheduleRule,
  collectDistDocuments,
  crdsAvailable,
  helmReleaseChartRule,
  kustomizationTreeProblems,
  loadYamlDocuments,
  noPlaintextSecrets,
  podSecurityLabels,
  servedCustomResources,
  validateManifest,
} from "./helpers/schemas.js";

type Doc = Record<string, any>;
const clone = <T>(v: T): T => structuredClone(v);
const crds = crdsAvailable("most of schemas.test.ts");

const labels = { "app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "homelab" };

const deployment: Doc = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "web",
    namespace: "web",
    labels,
    annotations: { "example.com/note": "any text, even with spaces" },
  },
  spec: {
    replicas: 2,
    revisionHistoryLimit: 3,
    selector: { matchLabels: labels },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
    template: {
      metadata: { labels },
      spec: {
        automountServiceAccountToken: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          fsGroup: 1000,
          seccompProfile: { type: "RuntimeDefault" },
        },
        nodeSelector: { "kubernetes.io/arch": "amd64" },
        tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }],
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: labels } },
              },
            ],
          },
        },
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: labels },
          },
        ],
        containers: [
          {
            name: "web",
            image: "nginx:1.27",
            imagePullPolicy: "IfNotPresent",
            args: ["--port", "8080"],
            ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
            env: [
              { name: "TZ", value: "Europe/Berlin" },
              { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "web", key: "password" } } },
            ],
            envFrom: [{ configMapRef: { name: "web" } }],
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi", cpu: 1 } },
            readinessProbe: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10 },
            livenessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 5 },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
            volumeMounts: [
              { name: "data", mountPath: "/data" },
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
        ],
        volumes: [
          { name: "data", persistentVolumeClaim: { claimName: "web-data" } },
          { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
          { name: "config", configMap: { name: "web", items: [{ key: "a", path: "a.conf" }] } },
        ],
      },
    },
  },
};

const service: Doc = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "web", annotations: { "metallb.io/loadBalancerIPs": "192.168.1.240" } },
  spec: {
    type: "LoadBalancer",
    selector: labels,
    ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
  },
};

const ingress: Doc = {
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "web", namespace: "web", annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" } },
  spec: {
    ingressClassName: "traefik",
    tls: [{ hosts: ["web.example.com"], secretName: "web-tls" }],
    rules: [
      {
        host: "web.example.com",
        http: {
          paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { name: "http" } } } }],
        },
      },
    ],
  },
};

const namespace: Doc = {
  apiVersion: "v1",
  kind: "Namespace",
  metadata: {
    name: "web",
    labels: {
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
    },
  },
};

/** As sops writes it (encrypted_regex: ^(data|stringData)$). */
const sopsSecret: Doc = {
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "web", namespace: "web" },
  type: "Opaque",
  stringData: { password: "ENC[AES256_GCM,data:q2xq5w==,iv:3Zk=,tag:Vg==,type:str]" },
  data: { token: "ENC[AES256_GCM,data:aGVsbG8=,iv:3Zk=,tag:Vg==,type:str]" },
  sops: {
    age: [{ recipient: "age1qqq", enc: "-----BEGIN AGE ENCRYPTED FILE-----\n...\n-----END AGE ENCRYPTED FILE-----\n" }],
    lastmodified: "2025-01-01T00:00:00Z",
    mac: "ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]",
    encrypted_regex: "^(data|stringData)$",
    version: "3.9.4",
  },
};

const moreCore: Doc[] = [
  { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "web", namespace: "web" }, data: { "a.conf": "x = 1\n" } },
  {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "web-data", namespace: "web" },
    spec: {
      accessModes: ["ReadWriteOnce"],
      storageClassName: "local-path",
      resources: { requests: { storage: "1Gi" } },
    },
  },
  {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "web", namespace: "web" },
    automountServiceAccountToken: false,
  },
  {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "db", namespace: "web" },
    spec: {
      serviceName: "db",
      selector: { matchLabels: { app: "db" } },
      template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "db", image: "postgres:17" }] } },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } },
        },
      ],
    },
  },
  {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "backup", namespace: "web" },
    spec: {
      schedule: "0 3 * * *",
      jobTemplate: {
        spec: {
          template: {
            spec: { restartPolicy: "OnFailure", containers: [{ name: "b", image: "busybox", command: ["true"] }] },
          },
        },
      },
    },
  },
  {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "default-deny", namespace: "web" },
    spec: {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } } }] }],
    },
  },
  {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: "web", namespace: "web" },
    spec: { minAvailable: 1, selector: { matchLabels: labels } },
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "homelab:reader" },
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "web-reader", namespace: "web" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "homelab:reader" },
    subjects: [{ kind: "ServiceAccount", name: "web", namespace: "web" }],
  },
];

/** Validation errors whose text names the path (and, if given, says `what`). */
function expectError(errors: string[], docLabel: string, fieldPath: string, what?: RegExp): void {
  const hit = errors.find((e) => e.startsWith(`${docLabel}: ${fieldPath}: `) && (what === undefined || what.test(e)));
  expect(
    hit,
    `expected an error for ${docLabel} at ${fieldPath}${what ? ` matching ${what}` : ""}, got:\n${errors.join("\n")}`,
  ).toBeDefined();
}

describe("core kinds (kubernetes-models)", () => {
  const valid: [string, Doc][] = [
    ["Deployment", deployment],
    ["Service", service],
    ["Ingress", ingress],
    ["Namespace", namespace],
    ["SOPS-encrypted Secret", sopsSecret],
    ...moreCore.map((d): [string, Doc] => [d.kind as string, d]),
  ];
  it.each(valid)("a valid %s passes", (_kind, doc) => {
    expect(checkManifest(doc)).toEqual([]);
  });

  it("accepts frozen input and leaves it unchanged", () => {
    const frozen = clone(deployment);
    const deepFreeze = (o: unknown): void => {
      if (typeof o === "object" && o !== null) {
        Object.freeze(o);
        Object.values(o).forEach(deepFreeze);
      }
    };
    deepFreeze(frozen);
    expect(checkManifest(frozen)).toEqual([]);
    expect(frozen).toEqual(deployment);
  });

  it("rejects a typo in a container field, naming document and path", () => {
    const d = clone(deployment);
    d.spec.template.spec.containers[0].imagePullPolicyy = "Always";
    expect(validateManifest(d)).toEqual([
      "Deployment/web/web: spec.template.spec.containers[0].imagePullPolicyy: unknown field (not in the schema)",
    ]);
  });

  it("rejects unknown fields at every level, but not keys of maps", () => {
    const d = clone(deployment);
    d.spec.replicass = 3;
    d.metdata = {};
    d.metadata.lables = { a: "b" };
    d.spec.template.spec.volumes[1].emptyDir.sizeLimitt = "1Gi";
    d.spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"] = 1; // a map: any key
    const errors = validateManifest(d);
    expect(errors).toHaveLength(4);
    expectError(errors, "Deployment/web/web", "spec.replicass", /unknown field/);
    expectError(errors, "Deployment/web/web", "metdata", /unknown field/);
    expectError(errors, "Deployment/web/web", "metadata.lables", /unknown field/);
    expectError(errors, "Deployment/web/web", "spec.template.spec.volumes[1].emptyDir.sizeLimitt", /unknown field/);
  });

  it("rejects a wrong type", () => {
    const d = clone(deployment);
    d.spec.replicas = "two";
    expect(validateManifest(d)).toEqual(['Deployment/web/web: spec.replicas: must be integer (got "two")']);
  });

  it("reports enums, required fields, int-or-string and byte formats (native kubernetes-models checks)", () => {
    const d = clone(deployment);
    d.spec.template.spec.containers[0].imagePullPolicy = "Sometimes";
    delete d.spec.template.spec.containers[0].name;
    d.spec.template.spec.containers[0].ports[0].containerPort = "8080";
    const errors = validateManifest(d);
    expectError(
      errors,
      "Deployment/web/web",
      "spec.template.spec.containers[0].imagePullPolicy",
      /must be one of "Always", "IfNotPresent", "Never"/,
    );
    expectError(errors, "Deployment/web/web", "spec.template.spec.containers[0].name", /required/);
    expectError(
      errors,
      "Deployment/web/web",
      "spec.template.spec.containers[0].ports[0].containerPort",
      /must be integer/,
    );

    const s = clone(service);
    s.spec.ports[0].targetPort = true;
    expect(validateManifest(s)).toEqual([
      "Service/web/web: spec.ports[0].targetPort: must be string or integer (got boolean true)",
    ]);

    const q = clone(deployment);
    q.spec.template.spec.containers[0].resources.limits.cpu = "lots";
    expect(validateManifest(q)).toEqual([
      'Deployment/web/web: spec.template.spec.containers[0].resources.limits.cpu: must match format "quantity"',
    ]);

    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "x", namespace: "web" },
      data: { a: "not base64!" },
    };
    expectError(validateManifest(secret), "Secret/web/x", "data.a", /format "byte"/);
  });

  it("checks names and labels as the API server does", () => {
    const d = clone(deployment);
    d.metadata.name = "Web_App";
    d.metadata.labels = { "app.kubernetes.io/name": "has spaces", "bad key!": "x" };
    const errors = validateManifest(d);
    expectError(errors, "Deployment/web/Web_App", "metadata.name", /DNS-1123 subdomain/);
    expectError(errors, "Deployment/web/Web_App", 'metadata.labels["app.kubernetes.io/name"]', /invalid label value/);
    expectError(errors, "Deployment/web/Web_App", 'metadata.labels["bad key!"]', /invalid label key/);
    const s = clone(service);
    s.metadata.name = "1web";
    expectError(validateManifest(s), "Service/web/1web", "metadata.name", /DNS-1035/);
    const noName = clone(service);
    delete noName.metadata.name;
    expectError(validateManifest(noName), "Service/web/<no name>", "metadata.name", /required/);
  });

  it.skipIf(!crds)("reports API versions Kubernetes no longer serves", () => {
    const pdb = { ...clone(moreCore.find((d) => d.kind === "PodDisruptionBudget")!), apiVersion: "policy/v1beta1" };
    expect(validateManifest(pdb)).toEqual([
      "PodDisruptionBudget/web/web: apiVersion: unknown or not served: no schema for policy/v1beta1 PodDisruptionBudget; PodDisruptionBudget is served as policy/v1",
    ]);
    const ing = { ...clone(ingress), apiVersion: "extensions/v1beta1" };
    expectError(validateManifest(ing), "Ingress/web/web", "apiVersion", /no schema for extensions\/v1beta1 Ingress/);
  });
});

const helmRelease: Doc = {
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
  metadata: { name: "metallb", namespace: "metallb-system" },
  spec: {
    interval: "30m",
    chart: {
      spec: {
        chart: "metallb",
        version: "0.16.1",
        sourceRef: { kind: "HelmRepository", name: "metallb", namespace: "flux-system" },
      },
    },
    install: { crds: "CreateReplace", remediation: { retries: 3 } },
    upgrade: { crds: "CreateReplace" },
    values: { speaker: { frr: { enabled: false } }, anything: ["goes", 1, { here: true }] },
  },
};

const ipPool: Doc = {
  apiVersion: "metallb.io/v1beta1",
  kind: "IPAddressPool",
  metadata: { name: "default", namespace: "metallb-system" },
  spec: { addresses: ["192.168.1.240-192.168.1.250", "192.168.2.0/28"], autoAssign: true },
};

const cnpgCluster: Doc = {
  apiVersion: "postgresql.cnpg.io/v1",
  kind: "Cluster",
  metadata: { name: "pg", namespace: "databases" },
  spec: {
    instances: 3,
    imageName: "ghcr.io/cloudnative-pg/postgresql:17.5",
    storage: { size: "10Gi", storageClass: "local-path" },
    bootstrap: { initdb: { database: "app", owner: "app" } },
    resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: 1073741824 } },
    monitoring: { enablePodMonitor: false },
  },
};

const scheduledBackup: Doc = {
  apiVersion: "postgresql.cnpg.io/v1",
  kind: "ScheduledBackup",
  metadata: { name: "pg-daily", namespace: "databases" },
  spec: { schedule: "0 0 3 * * *", cluster: { name: "pg" }, method: "barmanObjectStore" },
};

describe.skipIf(!crds)("custom resources (upstream CRDs)", () => {
  it.each([
    ["HelmRelease", helmRelease],
    ["IPAddressPool", ipPool],
    ["CNPG Cluster", cnpgCluster],
    ["ScheduledBackup", scheduledBackup],
    [
      "L2Advertisement",
      {
        apiVersion: "metallb.io/v1beta1",
        kind: "L2Advertisement",
        metadata: { name: "default", namespace: "metallb-system" },
        spec: { ipAddressPools: ["default"] },
      },
    ],
    [
      "HelmRepository",
      {
        apiVersion: "source.toolkit.fluxcd.io/v1",
        kind: "HelmRepository",
        metadata: { name: "metallb", namespace: "flux-system" },
        spec: { interval: "1h", url: "https://metallb.github.io/metallb" },
      },
    ],
    [
      "OCIRepository",
      {
        apiVersion: "source.toolkit.fluxcd.io/v1",
        kind: "OCIRepository",
        metadata: { name: "app", namespace: "flux-system" },
        spec: { interval: "1h", url: "oci://ghcr.io/example/charts/app", ref: { tag: "1.0.0" } },
      },
    ],
    [
      "ClusterIssuer",
      {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: "letsencrypt" },
        spec: {
          acme: {
            server: "https://acme-v02.api.letsencrypt.org/directory",
            email: "admin@example.com",
            privateKeySecretRef: { name: "letsencrypt" },
            solvers: [{ http01: { ingress: { ingressClassName: "traefik" } } }],
          },
        },
      },
    ],
    [
      "Flux Kustomization",
      {
        apiVersion: "kustomize.toolkit.fluxcd.io/v1",
        kind: "Kustomization",
        metadata: { name: "apps", namespace: "flux-system" },
        spec: {
          interval: "10m",
          path: "./dist/apps",
          prune: true,
          sourceRef: { kind: "GitRepository", name: "homelab" },
          dependsOn: [{ name: "infra-configs" }],
          postBuild: { substitute: { DOMAIN: "example.com" } },
        },
      },
    ],
  ])("a valid %s passes", (_kind, doc) => {
    expect(checkManifest(doc)).toEqual([]);
  });

  it("rejects a typo in a HelmRelease spec", () => {
    const d = clone(helmRelease);
    d.spec.intervall = d.spec.interval;
    expect(validateManifest(d)).toEqual([
      "HelmRelease/metallb-system/metallb: spec.intervall: unknown field (not in the schema)",
    ]);
  });

  it("checks a HelmRelease's required fields, enums and patterns, and leaves values free-form", () => {
    const d = clone(helmRelease);
    delete d.spec.interval;
    d.spec.chart.spec.sourceRef.kind = "HelmRepo";
    d.spec.timeout = "5 minutes";
    const errors = validateManifest(d);
    expectError(errors, "HelmRelease/metallb-system/metallb", "spec.interval", /required/);
    expectError(
      errors,
      "HelmRelease/metallb-system/metallb",
      "spec.chart.spec.sourceRef.kind",
      /must be one of "HelmRepository", "GitRepository", "Bucket"/,
    );
    expectError(errors, "HelmRelease/metallb-system/metallb", "spec.timeout", /must match pattern/);
    expect(errors).toHaveLength(3);
  });

  it("the chart rule: exactly one of spec.chart and spec.chartRef", () => {
    expect(helmReleaseChartRule(helmRelease)).toEqual([]);
    const ref = clone(helmRelease);
    delete ref.spec.chart;
    ref.spec.chartRef = { kind: "OCIRepository", name: "metallb" };
    expect(checkManifest(ref)).toEqual([]);
    const both = clone(helmRelease);
    both.spec.chartRef = { kind: "OCIRepository", name: "metallb" };
    expect(validateManifest(both)).toEqual([]); // JSON schema alone cannot see it
    expect(helmReleaseChartRule(both)).toEqual([
      "HelmRelease/metallb-system/metallb: spec: either chart or chartRef must be set, not both",
    ]);
    const neither = clone(helmRelease);
    delete neither.spec.chart;
    expect(helmReleaseChartRule(neither)).toEqual([
      "HelmRelease/metallb-system/metallb: spec: either chart or chartRef must be set (neither is)",
    ]);
  });

  it("the chart rule mirrors the CEL rule of the vendored CRD", () => {
    expect(celRules("helm.toolkit.fluxcd.io/v2", "HelmRelease").filter((r) => r.path === "spec")).toEqual([
      {
        path: "spec",
        rule: "(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))",
        message: "either chart or chartRef must be set",
      },
    ]);
  });

  it("the CEL rules of the vendored CRDs are the reviewed ones (an upgrade that adds one fails here)", () => {
    // Each is mirrored in lib/check/schema/rules.ts (SCHEMA_RULES).
    // Transition rules (oldSelf) only apply to updates and are left out.
    const inventory = servedCustomResources().flatMap(({ apiVersion, kind }) =>
      celRules(apiVersion, kind)
        .filter((r) => !r.rule.includes("oldSelf"))
        .map((r) => `${apiVersion} ${kind} ${r.path}: ${r.message}`),
    );
    expect([...new Set(inventory)]).toEqual([
      "cert-manager.io/v1 ClusterIssuer spec.venafi: exactly one of tpp, cloud, or ngts must be configured",
      "cert-manager.io/v1 Issuer spec.venafi: exactly one of tpp, cloud, or ngts must be configured",
      "helm.toolkit.fluxcd.io/v2 HelmRelease spec: either chart or chartRef must be set",
      "helm.toolkit.fluxcd.io/v2 HelmRelease spec.install.strategy: .retryInterval cannot be set when .name is 'RemediateOnFailure'",
      "helm.toolkit.fluxcd.io/v2 HelmRelease spec.kubeConfig: exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified",
      "helm.toolkit.fluxcd.io/v2 HelmRelease spec.upgrade.strategy: .retryInterval can only be set when .name is 'RetryOnFailure'",
      "kustomize.toolkit.fluxcd.io/v1 Kustomization spec.kubeConfig: exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified",
      "postgresql.cnpg.io/v1 Cluster spec: imageName and imageCatalogRef are mutually exclusive",
      "postgresql.cnpg.io/v1 Cluster spec.bootstrap.initdb: builtinLocale is only available when localeProvider is set to `builtin`",
      "postgresql.cnpg.io/v1 Cluster spec.bootstrap.initdb: icuLocale is only available when localeProvider is set to `icu`",
      "postgresql.cnpg.io/v1 Cluster spec.bootstrap.initdb: icuRules is only available when localeProvider is set to `icu`",
      "postgresql.cnpg.io/v1 Cluster spec.imageCatalogRef: Only image catalogs are supported",
      "postgresql.cnpg.io/v1 Cluster spec.postgresql.synchronous: dataDurability set to 'preferred' requires empty 'standbyNamesPre' and empty 'standbyNamesPost'",
      "postgresql.cnpg.io/v1 Cluster spec.postgresql.synchronous.number: The number of synchronous replicas should be greater than zero",
      "source.toolkit.fluxcd.io/v1 GitRepository spec: serviceAccountName can only be set when provider is 'azure' or 'aws'",
      "source.toolkit.fluxcd.io/v1 HelmChart spec: spec.verify is only supported when spec.sourceRef.kind is 'HelmRepository'",
    ]);
  });

  it("reports a HelmRelease API version Flux removed as not served", () => {
    const d = { ...clone(helmRelease), apiVersion: "helm.toolkit.fluxcd.io/v2beta1" };
    expect(validateManifest(d)).toEqual([
      "HelmRelease/metallb-system/metallb: apiVersion: unknown or not served: no schema for helm.toolkit.fluxcd.io/v2beta1 HelmRelease; HelmRelease is served as helm.toolkit.fluxcd.io/v2",
    ]);
    expectError(
      validateManifest({ ...clone(helmRelease), apiVersion: "helm.toolkit.fluxcd.io/v2beta2" }),
      "HelmRelease/metallb-system/metallb",
      "apiVersion",
      /not served/,
    );
  });

  it("rejects invalid MetalLB IPAddressPools", () => {
    const typo = clone(ipPool);
    typo.spec.adresses = typo.spec.addresses;
    delete typo.spec.addresses;
    expect(validateManifest(typo)).toEqual([
      "IPAddressPool/metallb-system/default: spec.addresses: required field is missing",
      "IPAddressPool/metallb-system/default: spec.adresses: unknown field (not in the schema)",
    ]);
    const wrongType = clone(ipPool);
    wrongType.spec.addresses = "192.168.1.240-192.168.1.250";
    expectError(validateManifest(wrongType), "IPAddressPool/metallb-system/default", "spec.addresses", /must be array/);
  });

  it("rejects a typo in a CNPG Cluster and checks int-or-string and list-map keys", () => {
    const d = clone(cnpgCluster);
    d.spec.storage.sizee = "10Gi";
    d.spec.bootstrap.initdb.databse = "app";
    const errors = validateManifest(d);
    expect(errors).toEqual([
      "Cluster/databases/pg: spec.bootstrap.initdb.databse: unknown field (not in the schema)",
      "Cluster/databases/pg: spec.storage.sizee: unknown field (not in the schema)",
    ]);
    const q = clone(cnpgCluster);
    q.spec.resources.limits.cpu = true;
    expect(validateManifest(q)).toEqual([
      "Cluster/databases/pg: spec.resources.limits.cpu: must be integer or string (got boolean true)",
    ]);
    const dup = clone(cnpgCluster);
    dup.spec.podSelectorRefs = [
      { name: "a", selector: { matchLabels: { x: "y" } } },
      { name: "a", selector: { matchLabels: { x: "z" } } },
    ];
    expectError(validateManifest(dup), "Cluster/databases/pg", "spec.podSelectorRefs[1]", /duplicate entry/);
  });

  it("validates metadata of custom resources as ObjectMeta", () => {
    const d = clone(ipPool);
    d.metadata.lables = { a: "b" };
    d.metadata.annotations = { a: 1 };
    const errors = validateManifest(d);
    expectError(errors, "IPAddressPool/metallb-system/default", "metadata.lables", /unknown field/);
    expectError(errors, "IPAddressPool/metallb-system/default", "metadata.annotations.a", /must be string/);
  });

  it("the CNPG schedule rule wants six cron fields, seconds first", () => {
    expect(cnpgScheduleRule(scheduledBackup)).toEqual([]);
    const five = clone(scheduledBackup);
    five.spec.schedule = "0 3 * * *";
    expect(validateManifest(five)).toEqual([]); // a plain string to the schema
    expect(cnpgScheduleRule(five)).toEqual([
      'ScheduledBackup/databases/pg-daily: spec.schedule: "0 3 * * *" has 5 fields; CloudNativePG needs six, seconds first ' +
        '("sec min hour day-of-month month day-of-week", e.g. "0 0 3 * * *" for 03:00 daily); for this schedule write "0 0 3 * * *"',
    ]);
    for (const ok of ["@daily", "@every 12h", "0 30 2 * * SUN", "*/30 0 1-5 ? JAN-MAR 1,3,5"]) {
      expect(cnpgScheduleRule({ ...scheduledBackup, spec: { ...scheduledBackup.spec, schedule: ok } }), ok).toEqual([]);
    }
    const bad = clone(scheduledBackup);
    bad.spec.schedule = "0 61 3 * * *";
    expectError(cnpgScheduleRule(bad), "ScheduledBackup/databases/pg-daily", "spec.schedule", /minutes field "61"/);
  });

  it("reports kinds it has no schema for", () => {
    expect(
      validateManifest({
        apiVersion: "example.com/v1",
        kind: "Foo",
        metadata: { name: "x", namespace: "y" },
        spec: {},
      }),
    ).toEqual([
      "Foo/y/x: apiVersion: unknown or not served: no schema for example.com/v1 Foo; no core API or bundled CRD schema defines Foo",
    ]);
    expectError(
      validateManifest({ apiVersion: "v1", kind: "Foo", metadata: { name: "x" } }),
      "Foo/x",
      "apiVersion",
      /no schema for v1 Foo/,
    );
    expect(validateManifest({ kind: "Foo" })).toEqual(["Foo/<no name>: apiVersion: required string is missing"]);
    expect(validateManifest("text")).toEqual(["<string document>: (root): a manifest must be a mapping"]);
  });
});

describe("kustomize's kustomization.yaml", () => {
  const k = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: ["a.yaml", "b"] };
  it("passes with a resources list of strings", () => {
    expect(validateManifest(k)).toEqual([]);
  });
  it("fails on typos, missing or malformed resources", () => {
    expect(validateManifest({ ...k, resources: undefined, resource: ["a.yaml"] })).toEqual([
      "Kustomization/<no name>: resource: unknown field of a kustomize Kustomization",
      "Kustomization/<no name>: resources: required list of strings is missing",
    ]);
    expect(validateManifest({ ...k, resources: ["a.yaml", 3, "a.yaml"] })).toEqual([
      "Kustomization/<no name>: resources[1]: must be a non-empty string (got number 3)",
      'Kustomization/<no name>: resources[2]: duplicate resource "a.yaml"',
    ]);
  });
});

describe("rules JSON schema cannot express", () => {
  it("noPlaintextSecrets: only SOPS-encrypted data", () => {
    expect(noPlaintextSecrets(sopsSecret)).toEqual([]);
    expect(
      noPlaintextSecrets({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "empty", namespace: "web" },
        type: "kubernetes.io/service-account-token",
      }),
    ).toEqual([]);
    const plain = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "db", namespace: "web" },
      stringData: { password: "hunter2" },
    };
    expect(validateManifest(plain)).toEqual([]);
    expect(noPlaintextSecrets(plain)).toEqual([
      "Secret/web/db: stringData.password: plaintext secret value: encrypt the Secret with SOPS or reference it from elsewhere",
    ]);
    const half = clone(sopsSecret);
    half.data.extra = "aGVsbG8=";
    expect(noPlaintextSecrets(half)).toEqual([
      "Secret/web/web: data.extra: plaintext value in a SOPS-encrypted Secret (check encrypted_regex)",
    ]);
    const noMac = clone(sopsSecret);
    delete noMac.sops;
    expect(noPlaintextSecrets(noMac)).toHaveLength(2);
    expect(noPlaintextSecrets(deployment)).toEqual([]);
  });

  it("podSecurityLabels: every Namespace enforces a Pod Security level", () => {
    expect(podSecurityLabels(namespace)).toEqual([]);
    const bare = { apiVersion: "v1", kind: "Namespace", metadata: { name: "media" } };
    expect(validateManifest(bare)).toEqual([]);
    expect(podSecurityLabels(bare)).toEqual([
      'Namespace/media: metadata.labels["pod-security.kubernetes.io/enforce"]: missing; must be one of privileged|baseline|restricted',
    ]);
    const wrong = clone(namespace);
    wrong.metadata.labels["pod-security.kubernetes.io/enforce"] = "strict";
    wrong.metadata.labels["pod-security.kubernetes.io/warn-version"] = "1.30";
    expect(podSecurityLabels(wrong)).toEqual([
      'Namespace/web: metadata.labels["pod-security.kubernetes.io/enforce"]: "strict" must be one of privileged|baseline|restricted',
      'Namespace/web: metadata.labels["pod-security.kubernetes.io/warn-version"]: "1.30" must be latest or v1.<minor>',
    ]);
  });
});

describe("YAML files and the kustomization tree", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "schemas-test-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (rel: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), text);
  };
  const kustomization = (...resources: string[]): string =>
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join("")}`;

  it("loadYamlDocuments reads every non-empty document and throws on bad YAML", () => {
    expect(loadYamlDocuments("---\na: 1\n---\n---\nb: [x]\n")).toEqual([{ a: 1 }, { b: ["x"] }]);
    expect(() => loadYamlDocuments("a: 1\na: 2\n")).toThrow(/unique/i);
    expect(() => loadYamlDocuments("a: [1\n")).toThrow();
  });

  it("collectDistDocuments walks folders and kustomizationTreeProblems accepts a tidy tree", () => {
    write("ok/kustomization.yaml", kustomization("a.yaml", "b.yaml", "sub"));
    write(
      "ok/a.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
    );
    write("ok/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
    write("ok/sub/kustomization.yaml", kustomization("./c.yaml"));
    write("ok/sub/c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\n");
    const docs = collectDistDocuments(path.join(tmp, "ok"));
    expect(docs.map((d) => d.file)).toEqual([
      "a.yaml",
      "a.yaml",
      "b.yaml",
      "kustomization.yaml",
      "sub/c.yaml",
      "sub/kustomization.yaml",
    ]);
    expect(kustomizationTreeProblems(path.join(tmp, "ok"))).toEqual([]);
  });

  it.skipIf(!crds)("checkDistTree reports every problem of a tree at once, with its file", () => {
    fs.mkdirSync(path.join(tmp, "empty", "dist"), { recursive: true });
    expect(checkDistTree(path.join(tmp, "empty", "dist"))).toEqual({ files: 0, documents: 0, problems: [] });

    const ns = (name: string, extra = ""): string =>
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n${extra}`;
    write("tree/dist/kustomization.yaml", kustomization("apps", "namespaces.yaml"));
    write(
      "tree/dist/namespaces.yaml",
      `${ns("web")}---\n${ns("web")}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: bare\n`,
    );
    write("tree/dist/apps/kustomization.yaml", kustomization("broken.yaml", "empty.yaml", "secret.yaml"));
    write(
      "tree/dist/apps/secret.yaml",
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: web\nstringData:\n  password: hunter2\n",
    );
    write("tree/dist/apps/empty.yaml", "# nothing\n");
    write("tree/dist/apps/broken.yaml", "apiVersion: v1\nkind: [\n");
    write("tree/dist/apps/extra.yaml", "apiVersion: example.com/v1\nkind: Foo\nmetadata:\n  name: foo\n");
    const result = checkDistTree(path.join(tmp, "tree", "dist"));
    expect(result.files).toBe(7);
    expect(result.documents).toBe(7);
    expect(result.problems.map((p) => p.replace(/not valid YAML: [\s\S]*/, "not valid YAML: ..."))).toEqual([
      "dist/apps/broken.yaml: not valid YAML: ...",
      "dist/apps/empty.yaml: holds no documents",
      "dist/apps/extra.yaml: Foo/foo: apiVersion: unknown or not served: no schema for example.com/v1 Foo; no core API or bundled CRD schema defines Foo",
      "dist/apps/secret.yaml: Secret/web/db: stringData.password: plaintext secret value: encrypt the Secret with SOPS or reference it from elsewhere",
      "dist/namespaces.yaml: Namespace/web: the same object is also defined in dist/namespaces.yaml",
      'dist/namespaces.yaml: Namespace/bare: metadata.labels["pod-security.kubernetes.io/enforce"]: missing; must be one of privileged|baseline|restricted',
      'dist/apps/kustomization.yaml: resources miss ["extra.yaml"]',
    ]);
  });

  it("kustomizationTreeProblems reports missing, extra, unsorted and absent kustomizations", () => {
    write("bad/missing/kustomization.yaml", kustomization("a.yaml"));
    write("bad/missing/a.yaml", "{}\n");
    write("bad/missing/b.yaml", "{}\n");
    write("bad/extra/kustomization.yaml", kustomization("a.yaml", "gone.yaml"));
    write("bad/extra/a.yaml", "{}\n");
    write("bad/unsorted/kustomization.yaml", kustomization("b.yaml", "a.yaml"));
    write("bad/unsorted/a.yaml", "{}\n");
    write("bad/unsorted/b.yaml", "{}\n");
    write("bad/none/a.yaml", "{}\n");
    write("bad/yml/kustomization.yaml", kustomization());
    write("bad/yml/a.yml", "{}\n");
    expect(kustomizationTreeProblems(path.join(tmp, "bad"))).toEqual([
      'extra/kustomization.yaml: resources list what is not in the folder: ["gone.yaml"]',
      'missing/kustomization.yaml: resources miss ["b.yaml"]',
      'none: holds YAML but no kustomization.yaml (expected resources: ["a.yaml"])',
      'unsorted/kustomization.yaml: resources must be sorted: ["a.yaml","b.yaml"] (got ["b.yaml","a.yaml"])',
      "yml/a.yml: use the .yaml extension (.yml files are not checked)",
      "yml/kustomization.yaml: resources must be a list of strings",
    ]);
  });
});

describe.skipIf(!crds)("performance", () => {
  it("validates a few hundred documents in well under a few seconds", () => {
    const docs: unknown[] = [];
    for (let i = 0; i < 100; i++) {
      docs.push({ ...clone(deployment), metadata: { ...deployment.metadata, name: `web-${i}` } });
      docs.push({ ...clone(helmRelease), metadata: { ...helmRelease.metadata, name: `hr-${i}` } });
      docs.push({ ...clone(cnpgCluster), metadata: { ...cnpgCluster.metadata, name: `pg-${i}` } });
    }
    const t0 = performance.now();
    for (const d of docs) expect(checkManifest(d)).toEqual([]);
    const ms = performance.now() - t0;
    expect(ms, `${docs.length} documents took ${ms.toFixed(0)} ms`).toBeLessThan(3000);
  });
});
