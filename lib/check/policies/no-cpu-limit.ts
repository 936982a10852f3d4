/**
 * `no-cpu-limit` (warning): no container has a CPU limit. A CPU limit throttles a container even when
 * the board's cores are idle (slow start-ups, failed probes); requests already share the CPU fairly.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { Finding } from "../finding.js";
import { findingAt } from "./at.js";
import { containerName, isObject } from "./pods.js";

export const noCpuLimit: Check = {
  id: "no-cpu-limit",
  doc: "no container has a CPU limit (it throttles even when the cores are idle; requests share the CPU)",
  severity: "warning",
  skippable: true,
  run(ctx) {
    const findings: Finding[] = [];
    const index = documentIndex(ctx);
    for (const pod of index.podSpecs) {
      for (const c of index.containers(pod)) {
        const resources = isObject(c.container.resources) ? c.container.resources : {};
        const limits = isObject(resources.limits) ? resources.limits : {};
        if (limits.cpu === undefined) continue;
        findings.push(
          findingAt(
            noCpuLimit,
            pod.source,
            `${c.path}.resources.limits.cpu`,
            `${containerName(c)} has a CPU limit (${String(limits.cpu)}), which throttles it even on idle cores`,
            "remove the CPU limit and keep a CPU request",
          ),
        );
      }
    }
    return findings;
  },
};
