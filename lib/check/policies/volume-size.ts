/**
 * `volume-size` (error): every volume the lab asks for has a size above zero: a PersistentVolumeClaim's
 * `spec.resources.requests.storage`, a StatefulSet's volumeClaimTemplates and a CloudNativePG
 * Cluster's `spec.storage.size`. A zero or negative size is refused by the API server or the operator.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { CheckedDocument } from "../context.js";
import type { Finding } from "../finding.js";
import { findingAt } from "./at.js";
import { isObject } from "./pods.js";
import { parseQuantity } from "../quantity.js";

function sizes(source: CheckedDocument): { path: string; size: unknown }[] {
  const { doc } = source;
  const spec = isObject(doc.spec) ? doc.spec : {};
  const claim = (s: unknown) => {
    const resources = isObject(s) && isObject(s.resources) ? s.resources : {};
    return isObject(resources.requests) ? resources.requests.storage : undefined;
  };
  if (doc.kind === "PersistentVolumeClaim") return [{ path: "spec.resources.requests.storage", size: claim(spec) }];
  if (doc.kind === "StatefulSet" && Array.isArray(spec.volumeClaimTemplates)) {
    return spec.volumeClaimTemplates.map((t, i) => ({
      path: `spec.volumeClaimTemplates[${i}].spec.resources.requests.storage`,
      size: claim(isObject(t) ? t.spec : undefined),
    }));
  }
  if (doc.kind === "Cluster" && doc.apiVersion.startsWith("postgresql.cnpg.io/") && isObject(spec.storage)) {
    return [{ path: "spec.storage.size", size: spec.storage.size }];
  }
  return [];
}

export const volumeSize: Check = {
  id: "volume-size",
  doc: "every volume claim (PVC, volumeClaimTemplate, CloudNativePG storage) asks for more than zero bytes",
  severity: "error",
  skippable: false,
  run(ctx) {
    const findings: Finding[] = [];
    for (const source of documentIndex(ctx).ofKinds("PersistentVolumeClaim", "StatefulSet", "Cluster")) {
      for (const { path, size } of sizes(source)) {
        const bytes = parseQuantity(size);
        if (bytes === undefined || bytes > 0) continue;
        findings.push(
          findingAt(
            volumeSize,
            source,
            path,
            `the volume asks for ${String(size)}, ${bytes === 0 ? "zero bytes" : "a negative size"}`,
            "give it a size above zero, e.g. `Size.gibibytes(10)`",
          ),
        );
      }
    }
    return findings;
  },
};
