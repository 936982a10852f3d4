/**
 * HelmApp, the building block of the infrastructure: one Helm chart installed by
 * Flux, tested through its public API with cdk8s's Testing.synth on the layer.
 */
import { Testing } from "cdk8s";
import { describe, expect, it } from "vitest";
import { homelab } from "./fixtures/lab/homelab.js";
import { HomelabApp } from "../lib/k8s/homelab-app.js";
import { ConstructValidationError, renderKubernetes } from "../lib/k8s/render.js";
import {
  ChartSource,
  HelmApp,
  chartVersionProblem,
  helmResources,
  mergeValues,
} from "../lib/k8s/infrastructure/index.js";
import { Homelab } from "../lib/model/index.js";
import { Duration, Size } from "cdk8s";
import { Cpu } from "cdk8s-plus-30";
import { goDuration } from "../lib/k8s/duration.js";

type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: any;
};

const repoChart = ChartSource.helmRepository({ url: "https://charts.example.org", chart: "demo", version: "1.2.3" });
const ociChart = ChartSource.oci({ url: "oci://registry.example.org/charts/demo", version: "v1.2.3" });

function app(): HomelabApp {
  return new HomelabApp(Homelab.create(homelab));
}

function synth(a: HomelabApp): Doc[] {
  return Testing.synth(a.controllers) as Doc[];
}

describe("HelmApp", () => {
  it("a chart from a Helm repository: HelmRepository + HelmRelease with spec.chart, in the namespace it asks for", () => {
    const a = app();
    const h = new HelmApp(a.controllers, "demo", {
      chart: repoChart,
      namespace: "demo-system",
      values: { replicas: 1 },
    });
    const docs = synth(a);
    expect(docs.map((d) => `${d.apiVersion} ${d.kind} ${d.metadata.namespace}/${d.metadata.name}`).sort()).toEqual([
      "helm.toolkit.fluxcd.io/v2 HelmRelease demo-system/demo",
      "source.toolkit.fluxcd.io/v1 HelmRepository demo-system/demo",
    ]);
    const repo = docs.find((d) => d.kind === "HelmRepository")!;
    expect(repo.spec).toEqual({ url: "https://charts.example.org", interval: "1h" });
    const release = docs.find((d) => d.kind === "HelmRelease")!;
    expect(release.spec.chartRef).toBeUndefined();
    expect(release.spec.chart).toEqual({
      spec: { chart: "demo", version: "1.2.3", sourceRef: { kind: "HelmRepository", name: "demo" } },
    });
    expect(release.spec.values).toEqual({ replicas: 1 });
    expect(release.spec.interval).toBe("10m");
    expect(release.metadata.labels).toEqual({
      "app.kubernetes.io/part-of": "homelab",
      "app.kubernetes.io/managed-by": "cdk8s-homelab",
    });
    expect(h.namespace).toBe("demo-system");
    expect(h.releaseName).toBe("demo");
  });

  it("a chart in an OCI registry: OCIRepository (tag = version, Helm chart layer) + HelmRelease with spec.chartRef only", () => {
    const a = app();
    new HelmApp(a.controllers, "demo", { chart: ociChart });
    const docs = synth(a);
    const oci = docs.find((d) => d.kind === "OCIRepository")!;
    expect(oci.apiVersion).toBe("source.toolkit.fluxcd.io/v1");
    expect(oci.spec).toEqual({
      url: "oci://registry.example.org/charts/demo",
      ref: { tag: "v1.2.3" },
      interval: "1h",
      layerSelector: { mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", operation: "copy" },
    });
    const release = docs.find((d) => d.kind === "HelmRelease")!;
    expect(release.spec.chart).toBeUndefined();
    expect(release.spec.chartRef).toEqual({ kind: "OCIRepository", name: "demo" });
    expect(release.metadata.namespace).toBe("demo");
    expect(docs.some((d) => d.kind === "HelmRepository")).toBe(false);
  });

  it("CRDs are created and replaced only when the chart ships them; retry strategy, timeout, intervals and dependencies are set", () => {
    const a = app();
    const base = new HelmApp(a.controllers, "base", { chart: repoChart, crds: true });
    new HelmApp(a.controllers, "plain", {
      chart: repoChart,
      retryInterval: Duration.seconds(30),
      timeout: Duration.minutes(15),
      interval: Duration.minutes(30),
      sourceInterval: Duration.days(1),
      dependsOn: [base],
      waitStrategy: "poller",
    });
    const docs = synth(a);
    const rel = (name: string) => docs.find((d) => d.kind === "HelmRelease" && d.metadata.name === name)!.spec;
    // RetryOnFailure: a failed install or upgrade is retried without end, never left Stalled (RetriesExceeded).
    const retry = { name: "RetryOnFailure", retryInterval: "2m" };
    expect(rel("base").install).toEqual({ crds: "CreateReplace", strategy: retry });
    expect(rel("base").upgrade).toEqual({ crds: "CreateReplace", cleanupOnFail: true, strategy: retry });
    expect(rel("base").install.remediation).toBeUndefined();
    expect(rel("base").values).toBeUndefined();
    const plain = rel("plain");
    expect(plain.install).toEqual({ strategy: { name: "RetryOnFailure", retryInterval: "30s" } });
    expect(plain.upgrade).toEqual({ cleanupOnFail: true, strategy: { name: "RetryOnFailure", retryInterval: "30s" } });
    expect(plain.timeout).toBe("15m");
    expect(plain.interval).toBe("30m");
    expect(plain.dependsOn).toEqual([{ name: "base", namespace: "base" }]);
    expect(plain.waitStrategy).toEqual({ name: "poller" });
    expect(docs.find((d) => d.kind === "HelmRepository" && d.metadata.name === "plain")!.spec.interval).toBe("24h");
  });

  it("creates its namespace with the Pod Security level it asks for", () => {
    const a = app();
    new HelmApp(a.controllers, "demo", { chart: repoChart, podSecurity: "privileged" });
    const { files } = renderKubernetes(a);
    const ns = files.get("dist/infrastructure/controllers/namespaces.yaml")!;
    expect(ns).toContain("name: demo\n");
    expect(ns).toContain("pod-security.kubernetes.io/enforce: privileged");
    expect(files.has("dist/infrastructure/controllers/demo.yaml")).toBe(true);
  });

  it("refuses unpinned versions and mismatched URL schemes, all at once", () => {
    const a = app();
    new HelmApp(a.controllers, "ranged", { chart: repoChart.withVersion("~1.2") });
    new HelmApp(a.controllers, "scheme", {
      chart: ChartSource.helmRepository({ url: "oci://registry.example.org/charts", chart: "demo", version: "1.0.0" }),
    });
    let error: ConstructValidationError | undefined;
    try {
      renderKubernetes(a);
    } catch (e) {
      error = e as ConstructValidationError;
    }
    expect(error).toBeInstanceOf(ConstructValidationError);
    expect(error!.problems).toEqual([
      expect.stringMatching(/^\[controllers\/ranged\] demo: chart version "~1\.2" is not pinned/),
      expect.stringMatching(
        /^\[controllers\/scheme\] demo: a Helm repository URL starts with "https:\/\/".*use ChartSource\.oci/,
      ),
    ]);
  });
});

describe("HelmApp durations", () => {
  it("render in Go's shortest exact form, which Flux reads", () => {
    expect(goDuration(Duration.hours(1))).toBe("1h");
    expect(goDuration(Duration.minutes(10))).toBe("10m");
    expect(goDuration(Duration.seconds(90))).toBe("1m30s");
    expect(goDuration(Duration.minutes(90))).toBe("1h30m");
    expect(goDuration(Duration.days(2))).toBe("48h");
    expect(goDuration(Duration.millis(1500))).toBe("1s500ms");
    expect(goDuration(Duration.seconds(0))).toBe("0s");
  });

  it("a string, a zero or a fraction of a millisecond is refused, naming the prop", () => {
    const a = app();
    new HelmApp(a.controllers, "strings", { chart: repoChart, timeout: "5 minutes" as any, interval: "soon" as any });
    new HelmApp(a.controllers, "zero", {
      chart: repoChart,
      sourceInterval: Duration.seconds(0),
      retryInterval: Duration.seconds(0),
    });
    new HelmApp(a.controllers, "fraction", { chart: repoChart, timeout: Duration.millis(0.5) });
    let error: ConstructValidationError | undefined;
    try {
      renderKubernetes(a);
    } catch (e) {
      error = e as ConstructValidationError;
    }
    expect(error).toBeInstanceOf(ConstructValidationError);
    expect(error!.problems).toEqual([
      '[controllers/strings] interval must be a Duration, e.g. Duration.minutes(5) (import { Duration } from "cdk8s"), ' +
        'got the string "soon"',
      '[controllers/strings] timeout must be a Duration, e.g. Duration.minutes(5) (import { Duration } from "cdk8s"), ' +
        'got the string "5 minutes"',
      "[controllers/zero] sourceInterval must be longer than zero, got 0 seconds",
      "[controllers/zero] retryInterval must be longer than zero, got 0 seconds",
      expect.stringMatching(/^\[controllers\/fraction\] timeout must be a whole number of milliseconds, got /),
    ]);
  });
});

describe("ChartSource", () => {
  it("accepts exact versions only", () => {
    for (const v of ["1.2.3", "v1.21.1", "0.29.0", "1.0.0-rc.1", "2.0.0+build.5"])
      expect(chartVersionProblem(v), v).toBeUndefined();
    for (const v of ["1.2", "1.2.x", "^1.2.3", ">=1.0.0", "*", "latest", "01.2.3", ""])
      expect(chartVersionProblem(v), v).toBeDefined();
  });

  it("names an OCI chart after its URL's last segment, and keeps kind and URL when the version changes", () => {
    expect(ociChart.chart).toBe("demo");
    const bumped = ociChart.withVersion("v1.3.0");
    expect([bumped.kind, bumped.url, bumped.version]).toEqual(["OCIRepository", ociChart.url, "v1.3.0"]);
    expect(ChartSource.oci({ url: "https://registry.example.org/demo", version: "1.0.0" }).problems()).toEqual([
      'demo: an OCI chart URL starts with "oci://", got "https://registry.example.org/demo"',
    ]);
  });
});

describe("values helpers", () => {
  it("helmResources: requests and a memory limit as strings, never a CPU limit", () => {
    expect(helmResources({ cpu: Cpu.millis(25), memory: Size.mebibytes(48) })).toEqual({
      requests: { cpu: "25m", memory: "48Mi" },
      limits: { memory: "192Mi" },
    });
    expect(helmResources()).toEqual({ requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } });
  });

  it("mergeValues merges maps, replaces lists and scalars, and keeps null (Helm's 'remove this default')", () => {
    const base = { a: { b: 1, c: [1, 2] }, d: "x", e: { f: true } };
    expect(mergeValues(base, { a: { c: [3] }, d: "y", e: null, g: 1 })).toEqual({
      a: { b: 1, c: [3] },
      d: "y",
      e: null,
      g: 1,
    });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: "x", e: { f: true } });
    expect(mergeValues(base, undefined)).toBe(base);
  });
});
