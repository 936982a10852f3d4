import { sharedAvailable } from "./helpers/shared.js";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Testing } from "cdk8s";
import { describe, expect, it } from "vitest";
import * as certManager from "../imports/cert-manager.io.js";
import * as helm from "../imports/helm.toolkit.fluxcd.io.js";
import * as kustomize from "../imports/kustomize.toolkit.fluxcd.io.js";
import * as metallb from "../imports/metallb.io.js";
import * as monitoring from "../imports/monitoring.coreos.com.js";
import * as cnpg from "../imports/postgresql.cnpg.io.js";
import * as source from "../imports/source.toolkit.fluxcd.io.js";
import type { CertManagerValues, CertManagerValuesOverrides } from "../imports/values/cert-manager.js";
import type { ExternalDnsValues, ExternalDnsValuesOverrides } from "../imports/values/external-dns.js";
import type { MetallbValues, MetallbValuesOverrides } from "../imports/values/metallb.js";
import { DEFAULT_OUT_DIR, generateImports, listGenerated, readImportUrls } from "../scripts/import-crds.js";

/** apiVersion + kind each class must render; one entry per class we use. */
const EXPECTED = [
  ["source.toolkit.fluxcd.io", source, "GitRepository", "source.toolkit.fluxcd.io/v1", "GitRepository"],
  ["source.toolkit.fluxcd.io", source, "HelmRepository", "source.toolkit.fluxcd.io/v1", "HelmRepository"],
  ["source.toolkit.fluxcd.io", source, "OciRepository", "source.toolkit.fluxcd.io/v1", "OCIRepository"],
  ["source.toolkit.fluxcd.io", source, "HelmChart", "source.toolkit.fluxcd.io/v1", "HelmChart"],
  ["helm.toolkit.fluxcd.io", helm, "HelmRelease", "helm.toolkit.fluxcd.io/v2", "HelmRelease"],
  ["kustomize.toolkit.fluxcd.io", kustomize, "Kustomization", "kustomize.toolkit.fluxcd.io/v1", "Kustomization"],
  ["postgresql.cnpg.io", cnpg, "Cluster", "postgresql.cnpg.io/v1", "Cluster"],
  ["postgresql.cnpg.io", cnpg, "ScheduledBackup", "postgresql.cnpg.io/v1", "ScheduledBackup"],
  ["metallb.io", metallb, "IpAddressPool", "metallb.io/v1beta1", "IPAddressPool"],
  ["metallb.io", metallb, "L2Advertisement", "metallb.io/v1beta1", "L2Advertisement"],
  ["cert-manager.io", certManager, "ClusterIssuer", "cert-manager.io/v1", "ClusterIssuer"],
  ["cert-manager.io", certManager, "Issuer", "cert-manager.io/v1", "Issuer"],
  ["cert-manager.io", certManager, "Certificate", "cert-manager.io/v1", "Certificate"],
  ["monitoring.coreos.com", monitoring, "ServiceMonitor", "monitoring.coreos.com/v1", "ServiceMonitor"],
  ["monitoring.coreos.com", monitoring, "PodMonitor", "monitoring.coreos.com/v1", "PodMonitor"],
  ["monitoring.coreos.com", monitoring, "PrometheusRule", "monitoring.coreos.com/v1", "PrometheusRule"],
] as const;

describe("imports/: generated CRD constructs", () => {
  it.each(EXPECTED)("%s exports %s (GVK %s %s)", (_group, mod, className, apiVersion, kind) => {
    const cls = (mod as Record<string, unknown>)[className] as
      | { GVK: { apiVersion: string; kind: string } }
      | undefined;
    expect(typeof cls).toBe("function");
    expect(cls?.GVK).toEqual({ apiVersion, kind });
  });

  it("serves only the expected API versions (one class per kind, no version-suffixed duplicates)", () => {
    for (const [, mod, className] of EXPECTED) {
      const suffixed = Object.keys(mod).filter((k) => new RegExp(`^${className}V\\d`).test(k));
      expect(suffixed, className).toEqual([]);
    }
  });

  it("synthesizes each resource with the right apiVersion/kind", () => {
    const chart = Testing.chart();
    const objects = [
      new source.GitRepository(chart, "git", {
        metadata: { name: "homelab", namespace: "flux-system" },
        spec: { interval: "1m", url: "https://example.org/homelab.git", ref: { branch: "main" } },
      }),
      new source.HelmRepository(chart, "helmrepo", {
        metadata: { name: "jetstack", namespace: "flux-system" },
        spec: { interval: "1h", url: "https://charts.jetstack.io" },
      }),
      new source.OciRepository(chart, "oci", {
        metadata: { name: "podinfo", namespace: "flux-system" },
        spec: { interval: "1h", url: "oci://ghcr.io/stefanprodan/charts/podinfo", ref: { semver: "6.x" } },
      }),
      new helm.HelmRelease(chart, "hr", {
        metadata: { name: "cert-manager", namespace: "cert-manager" },
        spec: {
          interval: "1h",
          chart: {
            spec: {
              chart: "cert-manager",
              version: "v1.21.1",
              sourceRef: { kind: helm.HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: "jetstack" },
            },
          },
          values: { crds: { enabled: true } } satisfies CertManagerValuesOverrides,
        },
      }),
      new kustomize.Kustomization(chart, "ks", {
        metadata: { name: "infra", namespace: "flux-system" },
        spec: {
          interval: "10m",
          path: "./infra",
          prune: true,
          sourceRef: { kind: kustomize.KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: "homelab" },
        },
      }),
      new cnpg.Cluster(chart, "pg", {
        metadata: { name: "pg", namespace: "db" },
        spec: { instances: 1, storage: { size: "10Gi" } },
      }),
      new cnpg.ScheduledBackup(chart, "backup", {
        metadata: { name: "pg-daily", namespace: "db" },
        spec: { schedule: "0 0 3 * * *", cluster: { name: "pg" } },
      }),
      new metallb.IpAddressPool(chart, "pool", {
        metadata: { name: "lan", namespace: "metallb-system" },
        spec: { addresses: ["192.168.1.240-192.168.1.250"] },
      }),
      new metallb.L2Advertisement(chart, "l2", {
        metadata: { name: "lan", namespace: "metallb-system" },
        spec: { ipAddressPools: ["lan"] },
      }),
      new certManager.ClusterIssuer(chart, "ci", {
        metadata: { name: "selfsigned" },
        spec: { selfSigned: {} },
      }),
      new certManager.Issuer(chart, "issuer", {
        metadata: { name: "ca", namespace: "cert-manager" },
        spec: { ca: { secretName: "root-ca" } },
      }),
      new certManager.Certificate(chart, "cert", {
        metadata: { name: "wildcard", namespace: "ingress" },
        spec: {
          secretName: "wildcard-tls",
          dnsNames: ["*.home.example.org"],
          issuerRef: { kind: "ClusterIssuer", name: "selfsigned" },
        },
      }),
      new monitoring.ServiceMonitor(chart, "sm", {
        metadata: { name: "app" },
        spec: { selector: { matchLabels: { app: "x" } }, endpoints: [{ port: "metrics" }] },
      }),
      new monitoring.PodMonitor(chart, "pm", {
        metadata: { name: "app" },
        spec: { selector: { matchLabels: { app: "x" } }, podMetricsEndpoints: [{ port: "metrics" }] },
      }),
      new monitoring.PrometheusRule(chart, "rule", {
        metadata: { name: "app" },
        spec: {
          groups: [
            {
              name: "app",
              rules: [{ alert: "Down", expr: monitoring.PrometheusRuleSpecGroupsRulesExpr.fromString("up == 0") }],
            },
          ],
        },
      }),
    ];
    const rendered = objects.map((o) => o.toJson() as { apiVersion: string; kind: string });
    expect(rendered.map((r) => `${r.apiVersion} ${r.kind}`)).toEqual([
      "source.toolkit.fluxcd.io/v1 GitRepository",
      "source.toolkit.fluxcd.io/v1 HelmRepository",
      "source.toolkit.fluxcd.io/v1 OCIRepository",
      "helm.toolkit.fluxcd.io/v2 HelmRelease",
      "kustomize.toolkit.fluxcd.io/v1 Kustomization",
      "postgresql.cnpg.io/v1 Cluster",
      "postgresql.cnpg.io/v1 ScheduledBackup",
      "metallb.io/v1beta1 IPAddressPool",
      "metallb.io/v1beta1 L2Advertisement",
      "cert-manager.io/v1 ClusterIssuer",
      "cert-manager.io/v1 Issuer",
      "cert-manager.io/v1 Certificate",
      "monitoring.coreos.com/v1 ServiceMonitor",
      "monitoring.coreos.com/v1 PodMonitor",
      "monitoring.coreos.com/v1 PrometheusRule",
    ]);
    // camelCase props map back to the CRD's field names; the synthesized chart has them all.
    expect(rendered[3]).toMatchObject({
      spec: { chart: { spec: { sourceRef: { kind: "HelmRepository", name: "jetstack" } } } },
    });
    expect(rendered[14]).toMatchObject({ spec: { groups: [{ rules: [{ expr: "up == 0" }] }] } });
    expect(Testing.synth(chart)).toHaveLength(objects.length);
  });
});

describe("imports/values: typed Helm values", () => {
  it("types chart values: closed where upstream is closed, overrides partial", () => {
    const cm: CertManagerValuesOverrides = { crds: { enabled: true }, replicaCount: 1 };
    const cmFull: CertManagerValues = { crds: { enabled: true } }; // no `required` upstream
    // @ts-expect-error cert-manager's schema has additionalProperties: false
    const cmBad: CertManagerValuesOverrides = { notAValue: true };
    // @ts-expect-error ...at every level
    const cmBadNested: CertManagerValuesOverrides = { crds: { enabled: true, typo: 1 } };
    const mlb: MetallbValuesOverrides = { controller: { logLevel: "info" }, speaker: { frr: { enabled: false } } };
    // @ts-expect-error the full (merged) values require what the chart defaults provide
    const mlbFull: MetallbValues = { controller: { logLevel: "info" }, speaker: { frr: { enabled: false } } };
    const dns: ExternalDnsValuesOverrides = { provider: { name: "cloudflare" } };
    // @ts-expect-error external-dns requires `policy` in the merged values
    const dnsFull: ExternalDnsValues = { provider: { name: "cloudflare" } };
    expect([cm, cmFull, cmBad, cmBadNested, mlb, mlbFull, dns, dnsFull]).toHaveLength(8);
  });
});

const hasShared = sharedAvailable("crds", "the imports/ drift check (regenerates imports/ from ../shared/crds)");

describe("scripts/import-crds.ts", () => {
  it("cdk8s.yaml pins every CRD URL to a tag", async () => {
    const urls = await readImportUrls();
    expect(urls.length).toBeGreaterThanOrEqual(16);
    for (const url of urls) {
      expect(url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/v\d+\.\d+\.\d+\/.+\.yaml$/);
    }
  });

  it.skipIf(!hasShared)("regenerates imports/ byte-identically (drift check, ../shared/crds)", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "imports-drift-"));
    try {
      const result = await generateImports({ outDir: tmp });
      const committed = (await listGenerated(DEFAULT_OUT_DIR)).map((f) => relative(DEFAULT_OUT_DIR, f)).sort();
      expect(committed, "imports/ has stale or missing generated files: run npm run import").toEqual(result.files);
      for (const file of result.files) {
        const [fresh, current] = await Promise.all([
          readFile(join(tmp, file), "utf8"),
          readFile(join(DEFAULT_OUT_DIR, file), "utf8"),
        ]);
        expect(current === fresh, `imports/${file} differs from a fresh import: run npm run import`).toBe(true);
      }
      expect(Object.keys(result.groups).sort()).toEqual([
        "cert-manager.io",
        "helm.toolkit.fluxcd.io",
        "kustomize.toolkit.fluxcd.io",
        "metallb.io",
        "monitoring.coreos.com",
        "postgresql.cnpg.io",
        "source.toolkit.fluxcd.io",
      ]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it("fails with a clear message when the offline schemas are missing", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "imports-missing-"));
    try {
      await expect(generateImports({ outDir: tmp, crdsDir: join(tmp, "no-such-dir") })).rejects.toThrow(
        /Offline upstream schemas not found.*--fetch/s,
      );
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
