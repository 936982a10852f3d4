/**
 * `network-policy` (warning): every app namespace (one the lab runs its own pods in) has a
 * NetworkPolicy; without one every pod of the cluster can reach its pods, and they can reach anything.
 *
 * The lab's constructs (Workload, IngressedService, PostgresApp, AppCronJob, WireGuardGateway, Pi-hole)
 * give their namespaces a default deny and their allows, so what this finds is pods of the user's own
 * objects (an ApiObject, an imported manifest) in a namespace nothing isolates. It stays a warning: the
 * check cannot tell what such pods need, and an error would stop synth for a lab that runs them today.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { Finding } from "../finding.js";
import { findingAt } from "./at.js";

export const networkPolicy: Check = {
  id: "network-policy",
  doc: "every namespace running the lab's pods has a NetworkPolicy (the app constructs make a default deny and allows)",
  severity: "warning",
  skippable: true,
  run(ctx) {
    const index = documentIndex(ctx);
    const withPolicy = new Set(index.ofKind("NetworkPolicy").map((d) => d.doc.metadata.namespace));
    const withPods = new Set(index.podSpecs.map((p) => p.source.doc.metadata.namespace));
    const findings: Finding[] = [];
    for (const ns of index.namespaces.values()) {
      if (!withPods.has(ns.name) || withPolicy.has(ns.name)) continue;
      findings.push(
        findingAt(
          networkPolicy,
          ns.source,
          undefined,
          `namespace ${ns.name} runs the lab's pods but has no NetworkPolicy: any pod of the cluster can reach them`,
          `isolate it with isolateNamespace(scope, "${ns.name}") and allow what its pods need with an ` +
            "AppNetworkPolicy (or build them with the app constructs, which do both), " +
            'or opt out with skipCheck(app, "network-policy", reason)',
        ),
      );
    }
    return findings;
  },
};
