/**
 * `storage-classes`: every storage class the lab names (PVCs, StatefulSet claim templates,
 * CloudNativePG storage, chart values we set) exists: k3s's `local-path`, `longhorn` when the lab
 * installs Longhorn, a StorageClass the lab renders, or one the user declares external.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { CheckContext, CheckedDocument } from "../context.js";
import type { Finding } from "../finding.js";
import { type Segments, at, chartOf, didYouMean, externals, finding, isKind, nameOf, str, walkMaps } from "./lab.js";

const ID = "storage-classes";

/** The storage classes that exist, each with where it comes from. */
function known(ctx: CheckContext): Map<string, string> {
  const classes = new Map<string, string>([["local-path", "k3s"]]);
  for (const d of documentIndex(ctx).ofKinds("HelmRelease", "StorageClass")) {
    if (chartOf(d) === "longhorn") classes.set("longhorn", "Longhorn");
    if (isKind(d, "storage.k8s.io", "StorageClass")) classes.set(nameOf(d), "rendered");
  }
  for (const e of externals(ctx)) if (e.kind === "StorageClass") classes.set(e.name, "declared external");
  return classes;
}

/** Every storage class a document names, with its path. */
function uses(d: CheckedDocument): { name: string; path: Segments }[] {
  const out: { name: string; path: Segments }[] = [];
  const add = (path: Segments) => {
    const name = str(at(d.doc, path));
    if (name !== undefined && name !== "") out.push({ name, path });
  };
  if (isKind(d, "", "PersistentVolumeClaim")) add(["spec", "storageClassName"]);
  if (isKind(d, "apps", "StatefulSet")) {
    const templates = at(d.doc, ["spec", "volumeClaimTemplates"]);
    if (Array.isArray(templates))
      templates.forEach((_, i) => add(["spec", "volumeClaimTemplates", i, "spec", "storageClassName"]));
  }
  if (isKind(d, "postgresql.cnpg.io", "Cluster")) {
    add(["spec", "storage", "storageClass"]);
    add(["spec", "walStorage", "storageClass"]);
  }
  if (isKind(d, "helm.toolkit.fluxcd.io", "HelmRelease")) {
    walkMaps(at(d.doc, ["spec", "values"]), ["spec", "values"], (map, path) => {
      for (const k of ["storageClass", "storageClassName"]) {
        const name = str(map[k]);
        if (name !== undefined && name !== "" && name !== "-") out.push({ name, path: [...path, k] });
      }
    });
  }
  return out;
}

function run(ctx: CheckContext): Finding[] {
  const classes = known(ctx);
  const modelDefault = ctx.homelab.kubernetesOptions?.storageClass;
  const findings: Finding[] = [];
  for (const d of documentIndex(ctx).ofKinds("PersistentVolumeClaim", "StatefulSet", "Cluster", "HelmRelease")) {
    for (const { name, path } of uses(d)) {
      if (classes.has(name)) continue;
      const list = [...classes].map(([c, from]) => `${c} (${from})`).join(", ");
      const why =
        name === "longhorn"
          ? "the lab does not install Longhorn"
          : `the lab has no StorageClass of that name (it has: ${list})`;
      const fromModel = name === modelDefault ? " (kubernetes.storageClass in the spec)" : "";
      findings.push(
        finding(
          ID,
          "error",
          d,
          path,
          `storage class "${name}"${fromModel} does not exist: ${why}; the volume would stay Pending`,
          `Use one of ${[...classes.keys()].join(", ")}${name === "longhorn" ? ", install Longhorn (addInfrastructure does unless longhorn: false)" : ""}, ` +
            `render a StorageClass, or declare one made outside the lab with declareExternal(scope, ` +
            `{ kind: "StorageClass", name: "${name}", reason }).${didYouMean(name, classes.keys())}`,
        ),
      );
    }
  }
  return findings;
}

/** The check. */
export const storageClasses: Check = {
  id: ID,
  doc: "Every storage class named exists: local-path, longhorn when installed, rendered, or declared external.",
  severity: "error",
  skippable: false,
  run,
};
