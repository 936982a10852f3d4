/**
 * `container-resources` (error): every container (init containers included) requests CPU and
 * memory and has a memory limit no smaller than its request. The scheduler places pods by their
 * requests, and on a 4 GB board one container without a memory limit can take the node down.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { Finding } from "../finding.js";
import { findingAt } from "./at.js";
import { containerName, isObject } from "./pods.js";
import { parseQuantity } from "../quantity.js";

const FIX = "give it resources (e.g. Workload's `resources: { cpu, memory, memoryLimit }`)";

export const containerResources: Check = {
  id: "container-resources",
  doc: "every container requests CPU and memory and has a memory limit (small boards run out of memory)",
  severity: "error",
  skippable: true,
  run(ctx) {
    const findings: Finding[] = [];
    const index = documentIndex(ctx);
    for (const pod of index.podSpecs) {
      for (const c of index.containers(pod)) {
        if (c.list === "ephemeralContainers") continue; // debug containers take no resources
        const resources = isObject(c.container.resources) ? c.container.resources : {};
        const requests = isObject(resources.requests) ? resources.requests : {};
        const limits = isObject(resources.limits) ? resources.limits : {};
        const missing = (path: string, what: string) =>
          findings.push(
            findingAt(
              containerResources,
              pod.source,
              `${c.path}.resources.${path}`,
              `${containerName(c)} ${what}`,
              FIX,
            ),
          );
        if (requests.cpu === undefined) missing("requests.cpu", "requests no CPU");
        if (requests.memory === undefined) missing("requests.memory", "requests no memory");
        if (limits.memory === undefined) missing("limits.memory", "has no memory limit");
        const request = parseQuantity(requests.memory);
        const limit = parseQuantity(limits.memory);
        if (request !== undefined && limit !== undefined && request > limit) {
          findings.push(
            findingAt(
              containerResources,
              pod.source,
              `${c.path}.resources.limits.memory`,
              `${containerName(c)} limits memory to ${String(limits.memory)}, below its request ` +
                `${String(requests.memory)} (the API server refuses it)`,
              "make the memory limit at least the request",
            ),
          );
        }
      }
    }
    return findings;
  },
};
