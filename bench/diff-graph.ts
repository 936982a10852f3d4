/**
 * What `diff` and `graph` add to a render of the example lab, measured in one process:
 * reading the committed tree (one `git cat-file --batch`), diffLab + formatLabDiff on the
 * unchanged tree and on a realistic change (a chart bump, a moved reservation, a new host),
 * and labPage. "first" is the first call in a fresh process (cold code, what one CLI run
 * pays); "median" the median of later calls. Wall time and the process's CPU time.
 *
 * usage: node --import tsx bench/diff-graph.ts [--runs 20]
 */
import * as path from "node:path";
import { homelab } from "../apps/homelab.js";
import { defineKubernetes } from "../apps/kubernetes.js";
import { diffLab, formatLabDiff, readCommittedTree } from "../lib/diff/index.js";
import { labPage } from "../lib/graph/index.js";
import { render } from "../lib/synth/render.js";

const repo = path.resolve(import.meta.dirname, "..");
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf("--runs") + 1] ?? "20") || 20;

function measure(name: string, f: () => unknown): void {
  const samples: { wall: number; cpu: number }[] = [];
  for (let i = 0; i <= runs; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    samples.push({ wall, cpu: (cpu.user + cpu.system) / 1000 });
  }
  const [first, ...rest] = samples;
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(
    `| ${name} | ${ms(first!.wall)} (cpu ${ms(first!.cpu)}) | ` +
      `${ms(median(rest.map((s) => s.wall)))} (cpu ${ms(median(rest.map((s) => s.cpu)))}) |`,
  );
}

const rendered = render({ spec: homelab, source: "apps/homelab.ts", kubernetes: defineKubernetes });
const changedSpec = structuredClone(homelab) as any;
changedSpec.network.loadBalancerIps.ingress = "192.168.1.210";
changedSpec.hosts.push({ hostname: "node4", address: "192.168.1.14", roles: ["minimal-node", "k3s-agent"] });
const changed = new Map(render({ spec: changedSpec, source: "apps/homelab.ts", kubernetes: defineKubernetes }).files);
const metallb = "dist/infrastructure/controllers/metallb.yaml";
changed.set(metallb, changed.get(metallb)!.replace(/version: "[0-9.]+"/, 'version: "99.0.0"'));

console.log(`Example lab: ${rendered.files.size} files; ${runs} runs after the first.\n`);
console.log("| step | first call | median |");
console.log("| --- | --- | --- |");
let committed: ReadonlyMap<string, string> = new Map();
measure("readCommittedTree (git HEAD)", () => (committed = readCommittedTree(repo).files));
measure("diffLab + formatLabDiff, realistic change", () => formatLabDiff(diffLab(committed, changed)));
measure("diffLab + formatLabDiff, no change", () => formatLabDiff(diffLab(rendered.files, rendered.files)));
measure("labPage", () => labPage({ homelab: rendered.homelab, files: rendered.files, source: "apps/homelab.ts" }));
