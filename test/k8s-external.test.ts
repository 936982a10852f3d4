/** declareExternal: what it records for the checks, and how a malformed declaration is reported. */
import { describe, expect, it } from "vitest";
import { declareExternal, externalsOf } from "../lib/k8s/external.js";
import { HomelabApp } from "../lib/k8s/homelab-app.js";
import { ConstructValidationError, renderKubernetes } from "../lib/k8s/render.js";
import { Homelab } from "../lib/model/index.js";
import { homelab } from "./fixtures/lab/homelab.js";

const newApp = () => new HomelabApp(Homelab.create(homelab));

describe("declareExternal", () => {
  it("records each declaration, with the construct that made it, and renders nothing for it", () => {
    const app = newApp();
    declareExternal(app.apps, { kind: "Secret", namespace: "media", name: "smb", reason: "made by hand" });
    declareExternal(app, { kind: "StorageClass", name: "nfs", reason: "the NFS CSI driver" });
    expect(externalsOf(app)).toEqual([
      { kind: "Secret", namespace: "media", name: "smb", reason: "made by hand", declaredBy: "apps" },
      { kind: "StorageClass", name: "nfs", reason: "the NFS CSI driver", declaredBy: "" },
    ]);
    expect(externalsOf(newApp())).toEqual([]);
    const files = renderKubernetes(app).files;
    expect([...files.values()].some((t) => t.includes("smb"))).toBe(false);
  });

  it("a malformed declaration is a construct problem at synth (every one at once), not a crash", () => {
    const app = newApp();
    declareExternal(app.apps, { kind: "Deployment", name: "Bad Name", reason: "" } as any);
    declareExternal(app.apps, { kind: "StorageClass", namespace: "x", name: "nfs", reason: "r" });
    let error: unknown;
    try {
      renderKubernetes(app);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConstructValidationError);
    const problems = (error as ConstructValidationError).problems.join("\n");
    expect(problems).toContain('[apps] declareExternal: kind "Deployment" cannot be declared external');
    expect(problems).toContain('name "Bad Name" is not a Kubernetes object name');
    expect(problems).toContain("namespace undefined is missing or invalid");
    expect(problems).toContain("give a reason");
    expect(problems).toContain("a StorageClass is cluster-scoped; leave namespace out");
    expect(externalsOf(app)).toEqual([]);
  });
});
