/**
 * `probes` (warning): every container of a long-running workload (Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, Pod) has readiness and liveness probes, or a startup probe. Without them Kubernetes
 * sends traffic to a pod that is not ready and never restarts one that hangs. Jobs are left alone.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { Finding } from "../finding.js";
import { findingAt } from "./at.js";
import { LONG_RUNNING_KINDS, containerName } from "./pods.js";

export const probes: Check = {
  id: "probes",
  doc: "every container of a long-running workload has readiness and liveness probes, or a startup probe",
  severity: "warning",
  skippable: true,
  run(ctx) {
    const findings: Finding[] = [];
    const index = documentIndex(ctx);
    for (const pod of index.podSpecs) {
      if (!LONG_RUNNING_KINDS.has(pod.source.doc.kind)) continue;
      for (const c of index.containers(pod)) {
        if (c.list !== "containers") continue;
        const { readinessProbe, livenessProbe, startupProbe } = c.container;
        if (startupProbe !== undefined || (readinessProbe !== undefined && livenessProbe !== undefined)) continue;
        const lacks = [readinessProbe === undefined ? "readiness" : "", livenessProbe === undefined ? "liveness" : ""]
          .filter((s) => s !== "")
          .join(" and ");
        findings.push(
          findingAt(
            probes,
            pod.source,
            c.path,
            `${containerName(c)} has no ${lacks} probe (and no startup probe)`,
            "give it a health check (e.g. Workload's `healthCheck: HealthCheck.http(path)`)",
          ),
        );
      }
    }
    return findings;
  },
};
