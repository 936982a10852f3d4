/**
 * `memory-fits-nodes` (a warning): the memory the lab's workloads request fits the nodes that run
 * them. Counted from what the lab renders: each pod's containers' requests (an init container's,
 * when larger) times its replicas (a DaemonSet once per node), CloudNativePG instances, and each
 * `resources` a chart's values set (once: the chart decides its replicas). Compared with the
 * `hardware.memory` of the k3s servers and agents, when every one of them declares it.
 */
import type { Host } from "../../model/homelab.js";
import type { Check } from "../check.js";
import type { CheckContext, CheckedDocument } from "../context.js";
import type { Finding } from "../finding.js";
import { describeObject } from "../finding.js";
import {
  type JsonMap,
  type Segments,
  at,
  containersOf,
  finding,
  isKind,
  isMap,
  podTemplateOf,
  walkMaps,
} from "./lab.js";
import { formatBytes, parseQuantity } from "../quantity.js";

const ID = "memory-fits-nodes";

/** The memory a container (or a chart's `resources`) requests: its request, or its limit when it sets none. */
function requested(resources: unknown): number {
  if (!isMap(resources)) return 0;
  return (
    parseQuantity(at(resources, ["requests", "memory"])) ?? parseQuantity(at(resources, ["limits", "memory"])) ?? 0
  );
}

/** One kind of pod the lab runs: how much one pod requests and how many run. */
interface PodDemand {
  readonly d: CheckedDocument;
  readonly path: Segments;
  readonly what: string;
  readonly perPod: number;
  readonly pods: number;
}

function demands(ctx: CheckContext, nodes: number): PodDemand[] {
  const out: PodDemand[] = [];
  for (const d of ctx.documents) {
    const t = podTemplateOf(d);
    if (t !== undefined && !isKind(d, "batch", "CronJob")) {
      let running = 0;
      let init = 0;
      for (const { container, init: isInit } of containersOf(t)) {
        const r = requested((container as JsonMap).resources);
        if (isInit) init = Math.max(init, r);
        else running += r;
      }
      const perPod = Math.max(running, init);
      const pods = t.pods === "each-node" ? nodes : t.pods;
      if (perPod > 0) out.push({ d, path: t.path, what: describeObject(d.doc), perPod, pods });
    }
    if (isKind(d, "postgresql.cnpg.io", "Cluster")) {
      const perPod = requested(at(d.doc, ["spec", "resources"]));
      const instances = at(d.doc, ["spec", "instances"]);
      const pods = typeof instances === "number" && Number.isInteger(instances) && instances >= 0 ? instances : 1;
      if (perPod > 0) out.push({ d, path: ["spec", "resources"], what: describeObject(d.doc), perPod, pods });
    }
    if (isKind(d, "helm.toolkit.fluxcd.io", "HelmRelease")) {
      walkMaps(at(d.doc, ["spec", "values"]), ["spec", "values"], (map, path) => {
        const perPod = requested(map.resources);
        if (perPod > 0) {
          const where = [...path.slice(2), "resources"].join(".");
          out.push({ d, path: [...path, "resources"], what: `${describeObject(d.doc)} (${where})`, perPod, pods: 1 });
        }
      });
    }
  }
  return out;
}

function run(ctx: CheckContext): Finding[] {
  const nodes: readonly Host[] = ctx.homelab.hostsWith("k3s-server", "k3s-agent");
  if (nodes.length === 0 || nodes.some((h) => h.hardware?.memory === undefined)) return [];
  const memory = (h: Host) => h.hardware!.memory!;
  const total = nodes.reduce((sum, h) => sum + memory(h), 0);
  const largest = nodes.reduce((a, b) => (memory(b) > memory(a) ? b : a));
  const findings: Finding[] = [];
  const all = demands(ctx, nodes.length);
  for (const p of all) {
    if (p.perPod <= memory(largest)) continue;
    findings.push(
      finding(
        ID,
        "warning",
        p.d,
        p.path,
        `one pod requests ${formatBytes(p.perPod)} of memory, more than any node has (the largest, ` +
          `${largest.hostname}, has ${formatBytes(memory(largest))}); it would never be scheduled`,
        "Lower its memory request, or add a node with more memory (hosts[i].hardware.memory).",
      ),
    );
  }
  const requestedTotal = all.reduce((sum, p) => sum + p.perPod * p.pods, 0);
  if (requestedTotal > total) {
    const top = [...all]
      .sort((a, b) => b.perPod * b.pods - a.perPod * a.pods)
      .slice(0, 3)
      .map((p) => `${p.what} ${formatBytes(p.perPod * p.pods)}`)
      .join(", ");
    const hosts = nodes.map((h) => `${h.hostname} ${formatBytes(memory(h))}`).join(", ");
    findings.push({
      check: ID,
      severity: "warning",
      path: "hosts",
      message:
        `the lab's workloads request ${formatBytes(requestedTotal)} of memory, more than its k3s nodes have ` +
        `(${formatBytes(total)}: ${hosts}); the largest requests: ${top}`,
      fix: "Lower memory requests or replicas, or add a node (and give its hardware.memory).",
    });
  }
  return findings;
}

/** The check. */
export const memoryFitsNodes: Check = {
  id: ID,
  doc: "The memory the workloads request fits the k3s nodes' hardware.memory (a warning; needs every node's memory).",
  severity: "warning",
  skippable: false,
  run,
};
