/**
 * The `memory-fits-nodes` check (a warning), on labs with the seeds' hardware facts: the Odroid C4
 * cluster's 4 GB boards and the ThinkCentres' 32 GB and 16 GB (test/fixtures/seed-hardware-labs.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ApiObject } from "cdk8s";
import { describe, expect, it } from "vitest";
import { summarizeFindings } from "../lib/check/finding.js";
import { memoryFitsNodes } from "../lib/check/references/memory-fit.js";
import { formatBytes, parseQuantity } from "../lib/check/quantity.js";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";
import { runCli } from "../lib/synth/cli.js";
import { homelab } from "./fixtures/lab/homelab.js";
import { defineKubernetes } from "./fixtures/lab/kubernetes.js";
import { odroidC4Lab, thinkCentreLab } from "./fixtures/seed-hardware-labs.js";
import { findingsOf } from "./helpers/check-context.js";

/** A Deployment (or DaemonSet) in namespace `demo` whose one container requests `memory`. */
function workload(app: HomelabApp, id: string, memory: string, replicas = 1, kind = "Deployment"): void {
  new ApiObject(app.apps, id, {
    apiVersion: "apps/v1",
    kind,
    metadata: { name: id, namespace: "demo" },
    spec: {
      ...(kind === "Deployment" ? { replicas } : {}),
      selector: { matchLabels: { app: id } },
      template: {
        metadata: { labels: { app: id } },
        spec: {
          containers: [
            { name: "app", image: "x:1", resources: { requests: { cpu: "50m", memory }, limits: { memory } } },
          ],
        },
      },
    },
  });
}

describe("memory-fits-nodes", () => {
  it("the fixture lab on the Odroid C4 boards (7 x 4 GB) fits: no finding", () => {
    expect(findingsOf(memoryFitsNodes, odroidC4Lab, defineKubernetes)).toEqual([]);
  });

  it("a pod larger than a 4 GB board is a warning on its document, naming the largest node", () => {
    const findings = findingsOf(memoryFitsNodes, odroidC4Lab, (app) => workload(app, "llm", "6Gi"));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      check: "memory-fits-nodes",
      severity: "warning",
      object: "Deployment demo/llm",
      path: "spec.template.spec",
    });
    expect(findings[0]!.message).toBe(
      "one pod requests 6 GiB of memory, more than any node has (the largest, node1, has 4 GiB); it would never be scheduled",
    );
  });

  it("requests times replicas beyond the 7 boards' 28 GB: one warning on the lab, naming the largest requests", () => {
    const findings = findingsOf(memoryFitsNodes, odroidC4Lab, (app) => {
      workload(app, "web", "3Gi", 9);
      workload(app, "agent", "512Mi", 1, "DaemonSet");
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "warning", path: "hosts" });
    expect(findings[0]!.object).toBeUndefined();
    // 8 x 3 GiB + 7 nodes x 512 MiB = 27.5 GiB: under 28 GiB, so add one more replica's worth.
    expect(findings[0]!.message).toMatch(
      /^the lab's workloads request .* GiB of memory, more than its k3s nodes have \(28 GiB:/,
    );
  });

  it("27.5 GiB on 28 GiB fits; the same on the ThinkCentres' 48 GB fits too", () => {
    const define = (app: HomelabApp) => {
      workload(app, "web", "3Gi", 8);
      workload(app, "agent", "512Mi", 1, "DaemonSet");
    };
    expect(findingsOf(memoryFitsNodes, odroidC4Lab, define)).toEqual([]);
    expect(findingsOf(memoryFitsNodes, thinkCentreLab, define)).toEqual([]);
  });

  it("synth prints the warning and still writes the lab (exit 0)", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-memory-"));
    try {
      let stderr = "";
      const code = runCli(
        {
          spec: odroidC4Lab,
          source: "apps/homelab.ts",
          kubernetes: (app) => {
            defineKubernetes(app);
            workload(app, "llm", "6Gi");
          },
        },
        { root, out: () => {}, err: (t) => void (stderr += t) },
      );
      expect(code, stderr).toBe(0);
      expect(stderr).toContain(
        "warning: [memory-fits-nodes] dist/apps/llm.yaml: Deployment demo/llm at spec.template.spec: one pod requests 6 GiB",
      );
      expect(fs.existsSync(path.join(root, "dist/apps/llm.yaml"))).toBe(true);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("synth prints a check's first five warnings and counts the rest; check lists them all", () => {
    const define = (app: HomelabApp) => {
      for (let i = 1; i <= 7; i++) workload(app, `llm${i}`, "6Gi");
    };
    const all = findingsOf(memoryFitsNodes, odroidC4Lab, define);
    for (let i = 1; i <= 7; i++) expect(all.some((f) => f.object === `Deployment demo/llm${i}`)).toBe(true);
    expect(summarizeFindings(all, all.length)).toHaveLength(all.length);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "homelab-memory-"));
    try {
      let stderr = "";
      const code = runCli(
        {
          spec: odroidC4Lab,
          source: "apps/homelab.ts",
          kubernetes: (app) => {
            defineKubernetes(app);
            define(app);
          },
        },
        { root, out: () => {}, err: (t) => void (stderr += t) },
      );
      expect(code, stderr).toBe(0);
      const lines = stderr.split("\n").filter((l) => l.startsWith("warning: [memory-fits-nodes]"));
      expect(lines).toHaveLength(6);
      expect(lines.slice(0, 5).map((l) => /demo\/(llm\d)/.exec(l)?.[1])).toEqual([
        "llm1",
        "llm2",
        "llm3",
        "llm4",
        "llm5",
      ]);
      expect(lines[5]).toBe(
        `warning: [memory-fits-nodes] ... and ${all.length - 5} more like these (\`cdk8s-homelab check\` lists them all)`,
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("nothing is said unless every k3s node gives its memory", () => {
    expect(findingsOf(memoryFitsNodes, homelab, (app) => workload(app, "llm", "64Gi"))).toEqual([]);
    const partly = structuredClone(odroidC4Lab) as unknown as { hosts: { hardware?: object }[] };
    delete partly.hosts[6]!.hardware;
    expect(findingsOf(memoryFitsNodes, partly, (app) => workload(app, "llm", "64Gi"))).toEqual([]);
  });
});

describe("quantities", () => {
  it("reads Kubernetes memory quantities", () => {
    expect(parseQuantity("512Mi")).toBe(512 * 2 ** 20);
    expect(parseQuantity("1.5Gi")).toBe(1.5 * 2 ** 30);
    expect(parseQuantity("1G")).toBe(1e9);
    expect(parseQuantity("129e6")).toBe(129e6);
    expect(parseQuantity("128974848")).toBe(128974848);
    expect(parseQuantity("12 Mi")).toBeUndefined();
    expect(parseQuantity("lots")).toBeUndefined();
    expect(formatBytes(4 * 2 ** 30)).toBe("4 GiB");
    expect(formatBytes(96 * 2 ** 20)).toBe("96 MiB");
  });
});
