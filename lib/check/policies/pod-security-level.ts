/**
 * `pod-security-level` (warning): every namespace states its Pod Security level, and a namespace
 * whose pods the lab renders all itself is no looser than they need (a `privileged` namespace for
 * pods that pass `restricted` gives away what the pods never asked for). Namespaces that hold a
 * HelmRelease are left alone there: the chart's pods are not in dist/.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { Finding } from "../finding.js";
import { findingAt } from "./at.js";
import { LEVELS, type PodSecurityLevel, levelNeeded } from "./pod-security-standards.js";

export const podSecurityLevel: Check = {
  id: "pod-security-level",
  doc: "every namespace sets its Pod Security level, and none is looser than the pods the lab puts in it",
  severity: "warning",
  skippable: true,
  run(ctx) {
    const findings: Finding[] = [];
    const index = documentIndex(ctx);
    const namespaces = index.namespaces;
    const charted = new Set(index.ofKind("HelmRelease").map((d) => d.doc.metadata.namespace));
    const needed = new Map<string, PodSecurityLevel>();
    for (const pod of index.podSpecs) {
      const ns = pod.source.doc.metadata.namespace;
      if (ns === undefined) continue;
      const level = levelNeeded(index.violations(pod));
      const prev = needed.get(ns) ?? "restricted";
      needed.set(ns, LEVELS.indexOf(level) < LEVELS.indexOf(prev) ? level : prev);
    }
    for (const ns of namespaces.values()) {
      if (ns.enforce === undefined) {
        findings.push(
          findingAt(
            podSecurityLevel,
            ns.source,
            "metadata.labels",
            `namespace ${ns.name} has no pod-security.kubernetes.io/enforce label, so its pods run at the ` +
              "cluster's default level (privileged on k3s)",
            "create it with ensureNamespace(scope, name, level), which sets the Pod Security labels",
          ),
        );
        continue;
      }
      const level = ns.enforce as PodSecurityLevel;
      const need = needed.get(ns.name);
      if (need === undefined || charted.has(ns.name) || !LEVELS.includes(level)) continue;
      if (LEVELS.indexOf(level) < LEVELS.indexOf(need)) {
        findings.push(
          findingAt(
            podSecurityLevel,
            ns.source,
            'metadata.labels["pod-security.kubernetes.io/enforce"]',
            `namespace ${ns.name} enforces "${level}" but its pods pass "${need}"`,
            `ask for the namespace at level "${need}" (ensureNamespace(scope, name, "${need}"))`,
          ),
        );
      }
    }
    return findings;
  },
};
