/**
 * `pod-security` (error): every pod the lab renders is admitted by the Pod Security level its
 * namespace enforces (`pod-security.kubernetes.io/enforce`), seccompProfile included. Otherwise
 * the API server refuses the pods and nothing runs.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { Finding } from "../finding.js";
import { findingAt } from "./at.js";
import { LEVELS, type PodSecurityLevel, refusedAt } from "./pod-security-standards.js";

export const podSecurity: Check = {
  id: "pod-security",
  doc: "every pod passes the Pod Security level its namespace enforces (seccompProfile included)",
  severity: "error",
  skippable: true,
  run(ctx) {
    const findings: Finding[] = [];
    const index = documentIndex(ctx);
    const namespaces = index.namespaces;
    for (const ns of namespaces.values()) {
      if (ns.enforce === undefined || LEVELS.includes(ns.enforce as PodSecurityLevel)) continue;
      findings.push(
        findingAt(
          podSecurity,
          ns.source,
          'metadata.labels["pod-security.kubernetes.io/enforce"]',
          `the Pod Security level "${String(ns.enforce)}" is not one of privileged, baseline, restricted`,
          "use ensureNamespace(scope, name, level) with one of those levels",
        ),
      );
    }
    for (const pod of index.podSpecs) {
      const nsName = pod.source.doc.metadata.namespace;
      const ns = nsName === undefined ? undefined : namespaces.get(nsName);
      if (ns === undefined || !LEVELS.includes(ns.enforce as PodSecurityLevel)) continue;
      const level = ns.enforce as PodSecurityLevel;
      for (const v of refusedAt(level, index.violations(pod))) {
        findings.push(
          findingAt(
            podSecurity,
            pod.source,
            v.path,
            `${v.message}, which Pod Security "${level}" (namespace ${nsName}) refuses: the pods would not start`,
            `${v.fix}, or put the workload in a namespace of its own at level ` +
              `${v.level === "baseline" ? "privileged" : "baseline"} (ensureNamespace)`,
          ),
        );
      }
    }
    return findings;
  },
};
