/**
 * `network-policy` (warning): every app namespace (one the lab runs its own pods in) has a
 * NetworkPolicy; without one every pod of the cluster can reach its pods. A warning for now: the
 * lab's constructs do not make NetworkPolicies yet (they come with the "deploys for real" issue).
 */
import type { Check } from "../check.js";
import type { Finding } from "../finding.js";
import { findingAt } from "./at.js";
import { renderedNamespaces } from "./namespaces.js";
import { podSpecs } from "./pods.js";

export const networkPolicy: Check = {
  id: "network-policy",
  doc: "every app namespace has a NetworkPolicy (a warning until the constructs make them)",
  severity: "warning",
  skippable: true,
  run(ctx) {
    const withPolicy = new Set(
      ctx.documents.filter((d) => d.doc.kind === "NetworkPolicy").map((d) => d.doc.metadata.namespace),
    );
    const withPods = new Set(podSpecs(ctx.documents).map((p) => p.source.doc.metadata.namespace));
    const findings: Finding[] = [];
    for (const ns of renderedNamespaces(ctx.documents).values()) {
      if (!withPods.has(ns.name) || withPolicy.has(ns.name)) continue;
      findings.push(
        findingAt(
          networkPolicy,
          ns.source,
          undefined,
          `namespace ${ns.name} runs the lab's pods but has no NetworkPolicy: any pod of the cluster can reach them`,
          "add a NetworkPolicy to the namespace (default deny, then allow what the app needs), " +
            'or opt out with skipCheck(app, "network-policy", reason)',
        ),
      );
    }
    return findings;
  },
};
