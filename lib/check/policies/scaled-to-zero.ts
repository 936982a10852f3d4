/**
 * `scaled-to-zero` (warning): a Deployment or StatefulSet with `replicas: 0` runs nothing. Fine while
 * an app is parked, easy to forget; the warning keeps it visible.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { Finding } from "../finding.js";
import { findingAt } from "./at.js";
import { isObject } from "./pods.js";

export const scaledToZero: Check = {
  id: "scaled-to-zero",
  doc: "no Deployment or StatefulSet is scaled to zero (`replicas: 0` runs nothing)",
  severity: "warning",
  skippable: true,
  run(ctx) {
    const findings: Finding[] = [];
    for (const source of documentIndex(ctx).ofKinds("Deployment", "StatefulSet")) {
      const { doc } = source;
      if (doc.kind !== "Deployment" && doc.kind !== "StatefulSet") continue;
      if (!isObject(doc.spec) || doc.spec.replicas !== 0) continue;
      findings.push(
        findingAt(
          scaledToZero,
          source,
          "spec.replicas",
          `${doc.kind} ${doc.metadata.name} is scaled to zero: nothing runs`,
          "give it replicas (1 on a small lab), " +
            'or opt out with skipCheck(app, "scaled-to-zero", reason) while it is parked',
        ),
      );
    }
    return findings;
  },
};
