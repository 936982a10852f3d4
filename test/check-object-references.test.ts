/** The `object-references` check: every Secret, ConfigMap, PVC and ServiceAccount a document reads exists. */
import { ApiObject } from "cdk8s";
import { describe, expect, it } from "vitest";
import { objectReferences } from "../lib/check/references/object-references.js";
import { declareExternal } from "../lib/k8s/external.js";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { homelab } from "./fixtures/lab/homelab.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";
import { checkContext, findingsOf } from "./helpers/check-context.js";
import { sopsSecret } from "./helpers/sops.js";

/** A Deployment in namespace `demo` whose pod spec is `pod` (one container `app`, extended by `container`). */
function deployment(app: HomelabApp, id: string, container: object = {}, pod: object = {}): void {
  new ApiObject(app.apps, id, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: id, namespace: "demo" },
    spec: {
      selector: { matchLabels: { app: id } },
      template: {
        metadata: { labels: { app: id } },
        spec: { containers: [{ name: "app", image: "docker.io/library/nginx:1.27", ...container }], ...pod },
      },
    },
  });
}

const secretEnv = (name: string, extra: object = {}) => ({
  env: [{ name: "TOKEN", valueFrom: { secretKeyRef: { name, key: "token", ...extra } } }],
});

const run = (define: (app: HomelabApp) => void) => findingsOf(objectReferences, homelab, define);

describe("object-references", () => {
  it("the fixture lab has no finding (CNPG's -app Secret, SOPS-kept Secrets, cert-manager's TLS, Flux's own)", () => {
    expect(run(defineKubernetes)).toEqual([]);
  });

  it("a Secret nothing makes: an error at the reference, with the ways to make it", () => {
    const findings = run((app) => deployment(app, "api", secretEnv("api-token")));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      check: "object-references",
      severity: "error",
      file: "dist/apps/api.yaml",
      object: "Deployment demo/api",
      path: "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name",
      construct: "apps/api",
    });
    expect(findings[0]!.message).toBe(
      "Secret demo/api-token is read here but nothing makes it: the lab renders no such Secret, no SOPS file holds " +
        "it, and no operator the lab installs creates it",
    );
    expect(findings[0]!.fix).toContain("EnvValue.fromSopsSecret");
    expect(findings[0]!.fix).toContain('declareExternal(scope, { kind: "Secret", namespace: "demo", name: "api-token"');
  });

  it("an optional reference is left alone (the pod starts without it)", () => {
    expect(run((app) => deployment(app, "api", secretEnv("api-token", { optional: true })))).toEqual([]);
  });

  it("ConfigMaps, PVCs and ServiceAccounts: envFrom, volumes, projected sources, serviceAccountName", () => {
    const findings = run((app) =>
      deployment(
        app,
        "api",
        { envFrom: [{ configMapRef: { name: "api-config" } }] },
        {
          serviceAccountName: "api",
          imagePullSecrets: [{ name: "registry" }],
          volumes: [
            { name: "data", persistentVolumeClaim: { claimName: "api-data" } },
            {
              name: "p",
              projected: { sources: [{ configMap: { name: "kube-root-ca.crt" } }, { secret: { name: "p" } }] },
            },
          ],
        },
      ),
    );
    expect(findings.map((f) => f.path)).toEqual([
      "spec.template.spec.containers[0].envFrom[0].configMapRef.name",
      "spec.template.spec.volumes[0].persistentVolumeClaim.claimName",
      "spec.template.spec.volumes[1].projected.sources[1].secret.name",
      "spec.template.spec.imagePullSecrets[0].name",
      "spec.template.spec.serviceAccountName",
    ]);
    expect(findings.map((f) => f.message.split(" is read")[0])).toEqual([
      "ConfigMap demo/api-config",
      "PersistentVolumeClaim demo/api-data",
      "Secret demo/p",
      "Secret demo/registry",
      "ServiceAccount demo/api",
    ]);
  });

  it("what the lab renders, k3s's defaults, and a declared external object all count", () => {
    const findings = run((app) => {
      new ApiObject(app.apps, "api-config", {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "api-config", namespace: "demo" },
        data: { a: "b" },
      });
      declareExternal(app.apps, {
        kind: "Secret",
        namespace: "demo",
        name: "api-token",
        reason: "created by hand: kubectl create secret generic api-token",
      });
      deployment(
        app,
        "api",
        { ...secretEnv("api-token"), envFrom: [{ configMapRef: { name: "api-config" } }] },
        { serviceAccountName: "default", volumes: [{ name: "ca", configMap: { name: "kube-root-ca.crt" } }] },
      );
    });
    expect(findings).toEqual([]);
  });

  it("a SOPS file provides its Secret", () => {
    const sops = sopsSecret({ namespace: "demo", name: "api-token", keys: ["token"] });
    const ctx = checkContext(homelab, (app) => deployment(app, "api", secretEnv("api-token")), [sops]);
    expect(objectReferences.run(ctx)).toEqual([]);
    expect(objectReferences.run({ ...ctx, sopsFiles: [] })).toHaveLength(1);
  });

  it("operators' Secrets: CloudNativePG's <cluster>-app only for a Cluster the lab renders, and a typo is named", () => {
    const findings = run((app) => {
      defineKubernetes(app);
      deployment(app, "api", secretEnv("nextcloud-db-app"));
      new ApiObject(app.apps, "reader", {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "reader", namespace: "nextcloud" },
        spec: {
          selector: { matchLabels: { app: "reader" } },
          template: {
            metadata: { labels: { app: "reader" } },
            spec: {
              containers: [{ name: "r", image: "docker.io/library/busybox:1.37", ...secretEnv("nextcloud-db-ap") }],
            },
          },
        },
      });
    });
    expect(findings.map((f) => f.message.split(" is read")[0])).toEqual([
      "Secret demo/nextcloud-db-app",
      "Secret nextcloud/nextcloud-db-ap",
    ]);
    expect(findings[1]!.fix).toContain('Did you mean "nextcloud-db-app"?');
  });

  it("cert-manager makes an Ingress's TLS Secret only when the Ingress asks it to", () => {
    const ingress = (app: HomelabApp, id: string, annotations: Record<string, string>) =>
      new ApiObject(app.apps, id, {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: id, namespace: "demo", annotations },
        spec: { tls: [{ hosts: [`${id}.home.example.com`], secretName: `${id}-tls` }] },
      });
    const findings = run((app) => {
      ingress(app, "issued", { "cert-manager.io/cluster-issuer": "letsencrypt" });
      ingress(app, "manual", {});
    });
    expect(findings.map((f) => [f.object, f.path])).toEqual([["Ingress demo/manual", "spec.tls[0].secretName"]]);
  });

  it("a StatefulSet's claims (<template>-<set>-<n>) exist; a HelmRelease's valuesFrom and existingSecret are followed", () => {
    const findings = run((app) => {
      new ApiObject(app.apps, "db", {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db", namespace: "demo" },
        spec: {
          serviceName: "db",
          selector: { matchLabels: { app: "db" } },
          volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"] } }],
          template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "db", image: "x:1" }] } },
        },
      });
      deployment(app, "backup", {}, { volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data-db-0" } }] });
      new ApiObject(app.apps, "chart", {
        apiVersion: "helm.toolkit.fluxcd.io/v2",
        kind: "HelmRelease",
        metadata: { name: "chart", namespace: "demo" },
        spec: {
          targetNamespace: "target",
          valuesFrom: [{ kind: "ConfigMap", name: "chart-values" }],
          values: { auth: { existingSecret: "chart-auth" } },
        },
      });
    });
    expect(findings.map((f) => [f.path, f.message.split(" is read")[0]])).toEqual([
      ["spec.valuesFrom[0].name", "ConfigMap demo/chart-values"],
      ["spec.values.auth.existingSecret", "Secret target/chart-auth"],
    ]);
  });

  it("a ClusterIssuer's DNS-01 token is read from cert-manager's namespace", () => {
    const findings = run(
      (app) =>
        new ApiObject(app.configs, "issuer", {
          apiVersion: "cert-manager.io/v1",
          kind: "ClusterIssuer",
          metadata: { name: "other" },
          spec: {
            acme: {
              privateKeySecretRef: { name: "other-account-key" },
              solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: "cf-token", key: "api-token" } } } }],
            },
          },
        }),
    );
    expect(findings.map((f) => [f.path, f.message.split(" is read")[0]])).toEqual([
      ["spec.acme.solvers[0].dns01.cloudflare.apiTokenSecretRef.name", "Secret cert-manager/cf-token"],
    ]);
  });
});
