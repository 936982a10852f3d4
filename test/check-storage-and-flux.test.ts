/** The `storage-classes` and `flux-depends-on` checks. */
import { ApiObject } from "cdk8s";
import { describe, expect, it } from "vitest";
import { fluxDependsOn } from "../lib/check/references/flux-depends-on.js";
import { storageClasses } from "../lib/check/references/storage-classes.js";
import { declareExternal } from "../lib/k8s/external.js";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { addInfrastructure } from "../lib/k8s/infrastructure/index.js";
import { homelab } from "./fixtures/lab/homelab.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";
import { nextcloud } from "./fixtures/lab/nextcloud.js";
import { findingsOf } from "./helpers/check-context.js";

/** A PVC in namespace `demo` of `storageClassName`. */
function claim(app: HomelabApp, id: string, storageClassName: string): void {
  new ApiObject(app.apps, id, {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: id, namespace: "demo" },
    spec: { accessModes: ["ReadWriteOnce"], storageClassName, resources: { requests: { storage: "1Gi" } } },
  });
}

describe("storage-classes", () => {
  it("the fixture lab (Longhorn installed, PVC and CNPG storage on longhorn) has no finding", () => {
    expect(findingsOf(storageClasses, homelab, defineKubernetes)).toEqual([]);
  });

  it("k3s's local-path always exists; an unknown class is an error with the classes there are", () => {
    const findings = findingsOf(storageClasses, homelab, (app) => {
      defineKubernetes(app);
      claim(app, "fast", "local-path");
      claim(app, "slow", "nfs-client");
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ object: "PersistentVolumeClaim demo/slow", path: "spec.storageClassName" });
    expect(findings[0]!.message).toContain(
      'storage class "nfs-client" does not exist: the lab has no StorageClass of that name ' +
        "(it has: local-path (k3s), longhorn (Longhorn))",
    );
    expect(findings[0]!.fix).toContain('declareExternal(scope, { kind: "StorageClass", name: "nfs-client", reason })');
  });

  it("longhorn without Longhorn installed: every PVC and the CNPG storage on it, naming the spec default", () => {
    const findings = findingsOf(storageClasses, homelab, (app) => {
      addInfrastructure(app, { longhorn: false });
      nextcloud(app);
    });
    expect(findings.map((f) => [f.object, f.path])).toEqual([
      ["PersistentVolumeClaim nextcloud/nextcloud-data", "spec.storageClassName"],
      ["Cluster nextcloud/nextcloud-db", "spec.storage.storageClass"],
    ]);
    expect(findings[0]!.message).toContain(
      'storage class "longhorn" (kubernetes.storageClass in the spec) does not exist: the lab does not install Longhorn',
    );
  });

  it("a StorageClass the lab renders, or one declared external, exists; chart values are checked too", () => {
    const findings = findingsOf(storageClasses, homelab, (app) => {
      new ApiObject(app.configs, "nfs", {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: "nfs" },
        provisioner: "nfs.csi.k8s.io",
      });
      declareExternal(app.apps, {
        kind: "StorageClass",
        name: "zfs",
        reason: "the OpenEBS ZFS driver, installed by hand",
      });
      claim(app, "a", "nfs");
      claim(app, "b", "zfs");
      new ApiObject(app.apps, "chart", {
        apiVersion: "helm.toolkit.fluxcd.io/v2",
        kind: "HelmRelease",
        metadata: { name: "chart", namespace: "demo" },
        spec: { values: { persistence: { storageClass: "ssd" } } },
      });
    });
    expect(findings.map((f) => [f.object, f.path])).toEqual([
      ["HelmRelease demo/chart", "spec.values.persistence.storageClass"],
    ]);
  });
});

/** A Flux object of `kind` in flux-system depending on `deps`. */
function flux(app: HomelabApp, kind: "Kustomization" | "HelmRelease", name: string, deps: string[]): void {
  new ApiObject(app.apps, `${kind.toLowerCase()}-${name}`, {
    apiVersion: kind === "Kustomization" ? "kustomize.toolkit.fluxcd.io/v1" : "helm.toolkit.fluxcd.io/v2",
    kind,
    metadata: { name, namespace: "flux-system" },
    spec: { dependsOn: deps.map((d) => ({ name: d })) },
  });
}

describe("flux-depends-on", () => {
  it("the fixture lab (controllers -> configs -> apps, and the charts' dependencies) has no finding", () => {
    expect(findingsOf(fluxDependsOn, homelab, defineKubernetes)).toEqual([]);
  });

  it("a dependency on nothing is an error naming what there is; flux-system's own Kustomization resolves", () => {
    const findings = findingsOf(fluxDependsOn, homelab, (app) => {
      defineKubernetes(app);
      flux(app, "Kustomization", "extras", ["flux-system", "app"]);
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ object: "Kustomization flux-system/extras", path: "spec.dependsOn[1].name" });
    expect(findings[0]!.message).toBe(
      "depends on Kustomization flux-system/app, which the lab does not render; Flux would wait for it forever",
    );
    expect(findings[0]!.fix).toContain('Did you mean "apps"?');
  });

  it("a cycle is reported once, with its path; a HelmRelease depending on a Kustomization of that name is not enough", () => {
    const findings = findingsOf(fluxDependsOn, homelab, (app) => {
      flux(app, "HelmRelease", "a", ["b"]);
      flux(app, "HelmRelease", "b", ["c"]);
      flux(app, "HelmRelease", "c", ["a"]);
      flux(app, "Kustomization", "k", []);
      flux(app, "HelmRelease", "d", ["k"]);
    });
    expect(findings.map((f) => [f.object, f.message])).toEqual([
      ["HelmRelease flux-system/d", expect.stringContaining("depends on HelmRelease flux-system/k")],
      [
        "HelmRelease flux-system/c",
        "HelmReleases depend on each other in a cycle: flux-system/a -> flux-system/b -> flux-system/c -> flux-system/a; " +
          "Flux would apply none of them",
      ],
    ]);
  });

  it("an object depending on itself is a cycle", () => {
    const findings = findingsOf(fluxDependsOn, homelab, (app) => flux(app, "Kustomization", "self", ["self"]));
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining("flux-system/self -> flux-system/self")]);
  });
});
