/**
 * The index the checks share (lib/check/document-index.ts): built once per context, and equal to what each
 * check computed on its own.
 */
import { describe, expect, it } from "vitest";
import type { CheckContext, CheckedDocument } from "../lib/check/index.js";
import { documentIndex } from "../lib/check/document-index.js";
import { renderedNamespaces } from "../lib/check/policies/namespaces.js";
import { podSecurityViolations } from "../lib/check/policies/pod-security-standards.js";
import { containersOf, podSpecs } from "../lib/check/policies/pods.js";
import { Homelab } from "../lib/model/index.js";
import { smallSpec } from "./fixtures/small-lab.js";

function doc(kind: string, apiVersion: string, name: string, rest: Record<string, unknown> = {}): CheckedDocument {
  return {
    file: `dist/apps/${name}.yaml`,
    construct: `homelab/apps/${name}/${kind}`,
    doc: { apiVersion, kind, metadata: { name, namespace: "media" }, ...rest },
  };
}

const pod = (image: string) => ({
  containers: [{ name: "app", image, securityContext: { privileged: true } }],
  initContainers: [{ name: "init", image }],
});

const documents: readonly CheckedDocument[] = [
  {
    file: "dist/apps/media.yaml",
    construct: "homelab/apps/media/Namespace",
    doc: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "media", labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    } as CheckedDocument["doc"],
  },
  doc("Deployment", "apps/v1", "jellyfin", { spec: { template: { spec: pod("jellyfin:10.9") } } }),
  doc("HelmRelease", "helm.toolkit.fluxcd.io/v2", "immich"),
  doc("CronJob", "batch/v1", "backup", {
    spec: { jobTemplate: { spec: { template: { spec: pod("restic:0.17") } } } },
  }),
  doc("Deployment", "apps/v1", "sonarr", { spec: { template: { spec: pod("sonarr:4") } } }),
  doc("NetworkPolicy", "networking.k8s.io/v1", "default-deny"),
];

function context(docs: readonly CheckedDocument[] = documents): CheckContext {
  return { homelab: Homelab.create(smallSpec), documents: docs, secrets: [], sopsFiles: [] };
}

describe("documentIndex", () => {
  it("is built once per context", () => {
    const ctx = context();
    expect(documentIndex(ctx)).toBe(documentIndex(ctx));
    expect(documentIndex(context())).not.toBe(documentIndex(ctx));
  });

  it("lists the documents of a kind in document order, and none of a kind the lab does not render", () => {
    const index = documentIndex(context());
    expect(index.ofKind("Deployment").map((d) => d.doc.metadata.name)).toEqual(["jellyfin", "sonarr"]);
    expect(index.ofKind("HelmRelease")).toEqual([documents[2]]);
    expect(index.ofKind("Ingress")).toEqual([]);
  });

  it("lists the documents of several kinds in document order, each once", () => {
    const index = documentIndex(context());
    const names = (docs: readonly CheckedDocument[]) => docs.map((d) => d.doc.metadata.name);
    expect(names(index.ofKinds("HelmRelease", "Deployment"))).toEqual(["jellyfin", "immich", "sonarr"]);
    expect(names(index.ofKinds("NetworkPolicy", "CronJob", "Namespace"))).toEqual(["media", "backup", "default-deny"]);
    expect(names(index.ofKinds("Deployment", "Deployment"))).toEqual(["jellyfin", "sonarr"]);
    expect(index.ofKinds("Ingress", "Service")).toEqual([]);
    expect(index.ofKinds()).toEqual([]);
    expect(index.ofKinds("HelmRelease", "Deployment")).toBe(index.ofKinds("HelmRelease", "Deployment"));
  });

  it("holds the pod specs, containers, Pod Security violations and namespaces the checks computed each", () => {
    const index = documentIndex(context());
    expect(index.podSpecs).toEqual(podSpecs(documents));
    expect(index.podSpecs.map((p) => p.path)).toEqual([
      "spec.template.spec",
      "spec.jobTemplate.spec.template.spec",
      "spec.template.spec",
    ]);
    expect(index.podSpecs).toBe(index.podSpecs);
    for (const p of index.podSpecs) {
      expect(index.containers(p)).toEqual(containersOf(p));
      expect(index.containers(p)).toBe(index.containers(p));
      expect(index.violations(p)).toEqual(podSecurityViolations(p));
      expect(index.violations(p).length).toBeGreaterThan(0);
    }
    expect(index.namespaces).toEqual(renderedNamespaces(documents));
    expect([...index.namespaces.keys()]).toEqual(["media"]);
  });

  it("follows a context whose documents were swapped or extended", () => {
    const docs = [...documents];
    const ctx: { -readonly [K in keyof CheckContext]: CheckContext[K] } = context(docs);
    expect(documentIndex(ctx).ofKind("Deployment")).toHaveLength(2);
    docs.push(doc("Deployment", "apps/v1", "radarr"));
    expect(documentIndex(ctx).ofKind("Deployment")).toHaveLength(3);
    ctx.documents = documents.slice(0, 2);
    expect(documentIndex(ctx).ofKind("Deployment")).toHaveLength(1);
    expect(documentIndex(ctx).podSpecs).toHaveLength(1);
  });
});
