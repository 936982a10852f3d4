/**
 * The `schema` check (lib/check/schema) on documents built inline: a valid document passes, and
 * each class of error is found with its file, object, JSON path, construct and a fix.
 */
import { describe, expect, it } from "vitest";
import type { CheckContext, CheckedDocument } from "../lib/check/context.js";
import { runChecks } from "../lib/check/index.js";
import { SCHEMA_RULES, schemaCheck, validateDocument } from "../lib/check/schema/index.js";

type Obj = Record<string, any>;

const deployment: Obj = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "jellyfin", namespace: "media", labels: { "app.kubernetes.io/name": "jellyfin" } },
  spec: {
    selector: { matchLabels: { "app.kubernetes.io/name": "jellyfin" } },
    template: {
      metadata: { labels: { "app.kubernetes.io/name": "jellyfin" } },
      spec: {
        containers: [
          {
            name: "jellyfin",
            image: "jellyfin/jellyfin:10.10.7",
            ports: [{ name: "http", containerPort: 8096 }],
            volumeMounts: [{ name: "config", mountPath: "/config" }],
          },
        ],
        volumes: [{ name: "config", persistentVolumeClaim: { claimName: "jellyfin-config" } }],
      },
    },
  },
};

const helmRelease: Obj = {
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
  metadata: { name: "metallb", namespace: "metallb-system" },
  spec: {
    interval: "30m",
    chart: { spec: { chart: "metallb", version: "0.16.1", sourceRef: { kind: "HelmRepository", name: "metallb" } } },
    values: { anything: { goes: ["here"] } },
  },
};

/** A context with only documents (the schema check reads nothing else). */
function context(...docs: Obj[]): CheckContext {
  const documents: CheckedDocument[] = docs.map((doc, i) => ({
    file: `dist/apps/doc-${i}.yaml`,
    doc: doc as CheckedDocument["doc"],
    construct: `homelab/apps/doc-${i}`,
  }));
  return { homelab: undefined as never, documents, secrets: [], sopsFiles: [] };
}

const clone = <T>(v: T): T => structuredClone(v);

describe("the schema check", () => {
  it("is an error check that cannot be skipped", () => {
    expect(schemaCheck).toMatchObject({ id: "schema", severity: "error", skippable: false });
  });

  it("passes valid core and custom documents", () => {
    expect(schemaCheck.run(context(deployment, helmRelease))).toEqual([]);
  });

  it("reports a misspelled field with file, object, path, construct and a fix", () => {
    const d = clone(deployment);
    d.spec.replicass = 2;
    expect(schemaCheck.run(context(helmRelease, d))).toEqual([
      {
        check: "schema",
        severity: "error",
        file: "dist/apps/doc-1.yaml",
        object: "Deployment media/jellyfin",
        path: "spec.replicass",
        construct: "homelab/apps/doc-1",
        message: "unknown field (not in the schema)",
        fix: 'did you mean "replicas"? (the API server would drop an unknown field)',
      },
    ]);
  });

  it("an opt-out annotation does not silence it", () => {
    const d = clone(deployment);
    d.metadata.annotations = { "checks.cdk8s-homelab.io/schema": "I know better" };
    d.spec.replicass = 2;
    const { findings, skipped } = runChecks(context(d), [schemaCheck]);
    expect(findings.map((f) => f.path)).toEqual(["spec.replicass"]);
    expect(skipped).toEqual([]);
  });

  it("finds a typo in a later document after earlier valid ones taught the kind's shape", () => {
    const docs = Array.from({ length: 5 }, (_, i) => ({ ...clone(deployment), metadata: { name: `a${i}` } }));
    const late = clone(deployment);
    late.spec.template.spec.containers[0].imagePullPolicyy = "Always";
    const novel = clone(deployment);
    novel.spec.template.spec.volumes.push({ name: "cache", emptyDir: { sizeLimitt: "1Gi" } });
    const map = clone(deployment);
    map.spec.template.spec.containers[0].resources = { limits: { "nvidia.com/gpu": 1 } };
    const paths = schemaCheck.run(context(...docs, late, novel, map)).map((f) => `${f.object} ${f.path}`);
    expect(paths).toEqual([
      "Deployment media/jellyfin spec.template.spec.containers[0].imagePullPolicyy",
      "Deployment media/jellyfin spec.template.spec.volumes[1].emptyDir.sizeLimitt",
    ]);
  });

  it("validates a frozen document without changing it", () => {
    const deepFreeze = (o: unknown): unknown => {
      if (typeof o === "object" && o !== null) for (const v of Object.values(Object.freeze(o))) deepFreeze(v);
      return o;
    };
    const d = clone(deployment);
    d.spec.replicass = 1;
    const frozen = deepFreeze(clone(d));
    expect(validateDocument(frozen).map((p) => p.path)).toEqual([["spec", "replicass"]]);
    expect(frozen).toEqual(d);
  });

  it("finds wrong types, missing fields, enums and formats, each at its path", () => {
    const d = clone(deployment);
    d.spec.replicas = "two";
    delete d.spec.template.spec.containers[0].image;
    d.spec.template.spec.containers[0].name = undefined;
    d.spec.template.spec.containers[0].imagePullPolicy = "Sometimes";
    d.spec.template.spec.containers[0].resources = { requests: { memory: "a lot" } };
    const found = validateDocument(d).map((p) => `${p.path.join(".")}: ${p.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'spec.replicas: must be integer (got "two")',
        "spec.template.spec.containers.0.name: required field is missing",
        'spec.template.spec.containers.0.imagePullPolicy: must be one of "Always", "IfNotPresent", "Never" (got "Sometimes")',
        'spec.template.spec.containers.0.resources.requests.memory: must match format "quantity"',
      ]),
    );
  });

  it("checks custom resources against the bundled schemas, closed", () => {
    const h = clone(helmRelease);
    h.spec.chart.spec.sourceRef.nmae = "metallb";
    delete h.spec.chart.spec.sourceRef.name;
    h.spec.timeout = "5 minutes";
    const found = validateDocument(h).map((p) => `${p.path.join(".")}: ${p.message} / ${p.fix}`);
    expect(found).toEqual([
      "spec.chart.spec.sourceRef.name: required field is missing / set it",
      'spec.chart.spec.sourceRef.nmae: unknown field (not in the schema) / did you mean "name"? ' +
        "(the API server would drop an unknown field)",
      expect.stringMatching(/^spec\.timeout: must match pattern/),
    ]);
  });

  it("checks names and label syntax", () => {
    const d = clone(deployment);
    d.metadata.name = "Jelly_Fin";
    d.metadata.namespace = "Media";
    d.metadata.labels = { "bad key!": "x", tier: "-front" };
    expect(validateDocument(d).map((p) => p.path.join(" "))).toEqual([
      "metadata name",
      "metadata namespace",
      "metadata labels bad key!",
      "metadata labels tier",
    ]);
  });

  it("reports API versions that are not served, and leaves API groups it ships no schema for alone", () => {
    expect(validateDocument({ ...clone(deployment), apiVersion: "apps/v1beta1" })[0]?.message).toMatch(
      /no schema for apps\/v1beta1 Deployment; Deployment is served as apps\/v1/,
    );
    const own = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { x: 1 } };
    expect(validateDocument(own)).toEqual([]);
    expect(validateDocument(own, { unknownKinds: true })[0]?.path).toEqual(["apiVersion"]);
  });

  it("validates SOPS-encrypted Secrets by their shape", () => {
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "token", namespace: "dns" },
      stringData: { token: "ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]" },
      sops: { mac: "ENC[AES256_GCM,data:m,iv:x,tag:y,type:str]", version: "3.9.0" },
    };
    expect(validateDocument(secret)).toEqual([]);
    expect(validateDocument({ ...secret, stringDat: {} }).map((p) => p.path)).toEqual([["stringDat"]]);
  });
});

describe("the mirrored CEL rules", () => {
  const cases: [string, Obj, string][] = [
    ["helmrelease-chart", { ...clone(helmRelease), spec: { interval: "1m" } }, "spec"],
    [
      "flux-kubeconfig",
      {
        ...clone(helmRelease),
        spec: { ...clone(helmRelease.spec), kubeConfig: { secretRef: { name: "a" }, configMapRef: { name: "b" } } },
      },
      "spec.kubeConfig",
    ],
    [
      "helmrelease-retry-interval",
      {
        ...clone(helmRelease),
        spec: {
          ...clone(helmRelease.spec),
          upgrade: { strategy: { name: "RemediateOnFailure", retryInterval: "1m" } },
        },
      },
      "spec.upgrade.strategy.retryInterval",
    ],
    [
      "helmchart-verify",
      {
        apiVersion: "source.toolkit.fluxcd.io/v1",
        kind: "HelmChart",
        metadata: { name: "c", namespace: "flux-system" },
        spec: {
          chart: "c",
          interval: "1m",
          sourceRef: { kind: "GitRepository", name: "g" },
          verify: { provider: "cosign" },
        },
      },
      "spec.verify",
    ],
    [
      "gitrepository-service-account",
      {
        apiVersion: "source.toolkit.fluxcd.io/v1",
        kind: "GitRepository",
        metadata: { name: "g", namespace: "flux-system" },
        spec: { interval: "1m", url: "https://example.org/x.git", serviceAccountName: "sa" },
      },
      "spec.serviceAccountName",
    ],
    [
      "cnpg-image",
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: { name: "pg", namespace: "db" },
        spec: {
          instances: 1,
          storage: { size: "1Gi" },
          imageCatalogRef: { apiGroup: "x", kind: "Catalog", name: "c", major: 17 },
        },
      },
      "spec.imageCatalogRef.kind",
    ],
    [
      "cnpg-locale",
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: { name: "pg", namespace: "db" },
        spec: {
          instances: 1,
          storage: { size: "1Gi" },
          bootstrap: { initdb: { localeProvider: "libc", icuLocale: "en" } },
        },
      },
      "spec.bootstrap.initdb.icuLocale",
    ],
    [
      "cnpg-synchronous",
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "Cluster",
        metadata: { name: "pg", namespace: "db" },
        spec: { instances: 1, storage: { size: "1Gi" }, postgresql: { synchronous: { method: "any", number: 0 } } },
      },
      "spec.postgresql.synchronous.number",
    ],
    [
      "cnpg-schedule",
      {
        apiVersion: "postgresql.cnpg.io/v1",
        kind: "ScheduledBackup",
        metadata: { name: "daily", namespace: "db" },
        spec: { schedule: "0 3 * * *", cluster: { name: "pg" } },
      },
      "spec.schedule",
    ],
    [
      "venafi-one-of",
      {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: "v" },
        spec: { venafi: { zone: "z" } },
      },
      "spec.venafi",
    ],
  ];

  it("has a case here for every rule", () => {
    expect(cases.map(([id]) => id).sort()).toEqual(SCHEMA_RULES.map((r) => r.id).sort());
  });

  it.each(cases)("%s: breaking it is an error at its path (and only its)", (id, doc, at) => {
    const rule = SCHEMA_RULES.find((r) => r.id === id)!;
    expect(rule.problems(doc).map((p) => p.path.join("."))).toEqual([at]);
    const paths = schemaCheck.run(context(doc)).map((f) => f.path);
    expect(paths).toEqual([at]);
  });
});
