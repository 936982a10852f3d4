/**
 * The benchmark: labs of 10, 100 and 1,000 apps (IngressedService and
 * PostgresApp mixed) on 3, 30 and 300 hosts, each synthesized by
 *   - cli:   `cdk8s-homelab synth` (bin/cdk8s-homelab.mjs, what `npm run synth` runs; its bundle cached),
 *   - tsx:   `node --import tsx apps/main.ts` (what cdk8s.yaml's `app` runs),
 *   - cdk8s: the plain cdk8s path: the cdk8s CLI (`cdk8s synth`) running the same
 *            constructs through cdk8s's own `App.synth()` (one file per chart),
 *   - floor: a bare Node script writing the same YAML bytes from precomputed objects,
 * reporting the median and min/max wall time over RUNS runs after a warm-up, and
 * peak RSS, measured with GNU time (`/usr/bin/time -f "%e %M"`).
 *
 * usage: npm run bench [-- --runs 5] [-- --sizes 10x3,100x30,1000x300]
 * Writes the table to stdout and to bench/results.md.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { populateProject, repo } from "../test/helpers/project.js";

const outRoot = path.join(repo, "bench/out");

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};
const runs = Number(arg("runs", "5"));
const sizes = arg("sizes", "10x3,100x30,1000x300")
  .split(",")
  .map((s) => s.split("x").map(Number) as [number, number]);

interface Sample {
  wall: number;
  rssKb: number;
}

/** Runs `cmd` under GNU time in `cwd` after `reset()`; returns wall seconds and peak RSS. */
function timed(cwd: string, cmd: string[], env: NodeJS.ProcessEnv, reset: () => void): Sample {
  reset();
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", ...cmd], {
    cwd,
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = r.stderr.trim().split("\n").pop() ?? "";
  if (r.status !== 0) throw new Error(`${cmd.join(" ")} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const [wall, rss] = last.split(" ").map(Number) as [number, number];
  return { wall, rssKb: rss };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A project folder for one lab: apps/ generated, lib/ imports/ node_modules/ bench/ linked. */
function makeProject(apps: number, hosts: number): string {
  const dir = path.join(outRoot, `lab-${apps}x${hosts}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "apps"), { recursive: true });
  populateProject(dir, ["bench", "bin"]);
  const lab =
    `import { benchKubernetes, benchSpec } from "../bench/lab.js";\nimport { defineLab } from "../lib/cli/lab.js";\n` +
    `export const spec = benchSpec(${hosts});\nexport const kubernetes = benchKubernetes(${apps});\n` +
    `export default defineLab({ spec, source: "apps/lab.ts", kubernetes });\n`;
  fs.writeFileSync(path.join(dir, "apps/lab.ts"), lab);
  fs.writeFileSync(
    path.join(dir, "apps/main.ts"),
    `import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../lib/synth/cli.js";
import { kubernetes, spec } from "./lab.js";
const root = process.env.HOMELAB_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.exitCode = runCli({ spec, source: "apps/lab.ts", kubernetes }, { root, out: () => {} });
`,
  );
  // The plain cdk8s path: the same constructs, written by cdk8s's own App.synth().
  fs.writeFileSync(
    path.join(dir, "apps/plain.ts"),
    `import { App } from "cdk8s";
import { HomelabApp } from "../lib/k8s/homelab-app.js";
import { prepare } from "../lib/k8s/render.js";
import { Homelab } from "../lib/model/index.js";
import { kubernetes, spec } from "./lab.js";
const app = new HomelabApp(Homelab.create(spec));
kubernetes(app);
prepare(app);
App.prototype.synth.call(app);
`,
  );
  fs.writeFileSync(
    path.join(dir, "cdk8s.yaml"),
    "language: typescript\napp: node --import tsx apps/plain.ts\noutput: cdk8s.out\n",
  );
  // The floor serializes with the same emitter synth uses (lib/yaml/emit.ts), bundled, and writes.
  spawnSync(path.join(repo, "node_modules/.bin/esbuild"), [
    path.join(repo, "lib/yaml/emit.ts"),
    "--bundle",
    "--format=esm",
    "--platform=node",
    `--outfile=${path.join(dir, "floor-yaml.mjs")}`,
    "--log-level=warning",
  ]);
  fs.writeFileSync(
    path.join(dir, "floor.mjs"),
    `import * as fs from "node:fs";
import * as path from "node:path";
import { emitYamlDocuments } from "./floor-yaml.mjs";
const files = JSON.parse(fs.readFileSync("floor-input.json", "utf8"));
for (const f of files) {
  fs.mkdirSync(path.dirname(path.join("floor-out", f.path)), { recursive: true });
  fs.writeFileSync(path.join("floor-out", f.path), f.docs === null ? f.text : f.header + emitYamlDocuments(f.docs));
}
`,
  );
  return dir;
}

/** Precomputes the floor's input from a finished synth: every file's documents as plain objects. */
function prepareFloor(dir: string): number {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "synth-manifest.json"), "utf8")) as {
    files: Record<string, string>;
  };
  const files = Object.keys(manifest.files).map((p) => {
    const text = fs.readFileSync(path.join(dir, p), "utf8");
    if (!p.endsWith(".yaml")) return { path: p, header: "", docs: null, text };
    const header = text.startsWith("#") ? text.slice(0, text.indexOf("\n") + 1) : "";
    return { path: p, header, docs: parseAllDocuments(text).map((d) => d.toJS()), text: null };
  });
  fs.writeFileSync(path.join(dir, "floor-input.json"), JSON.stringify(files));
  return files.length;
}

const env = { ...process.env, CDK8S_CHECK_UPGRADE: "false" };
const rows: string[] = [];
const node = process.execPath;
const cdk8sCli = path.join(repo, "node_modules/cdk8s-cli/bin/cdk8s");

for (const [apps, hosts] of sizes) {
  const dir = makeProject(apps, hosts);
  const clean = () => {
    for (const p of ["dist", "nix", "synth-manifest.json", "cdk8s.out", "floor-out"])
      fs.rmSync(path.join(dir, p), { recursive: true, force: true });
  };
  const variants: [string, string[]][] = [
    ["cdk8s-homelab synth (the CLI, what npm run synth runs; cached bundle)", [node, "bin/cdk8s-homelab.mjs", "synth"]],
    ["node --import tsx apps/main.ts", [node, "--import", "tsx", "apps/main.ts"]],
    ["plain cdk8s synth (cdk8s CLI, App.synth())", [node, cdk8sCli, "synth"]],
    ["floor: bare Node writing the same YAML", [node, "floor.mjs"]],
  ];
  // Output of the CLI, for the floor's input and the file count.
  timed(dir, variants[0]![1], env, clean);
  const fileCount = prepareFloor(dir);
  const results = new Map<string, { median: number; min: number; max: number; rssMb: number }>();
  for (const [name, cmd] of variants) {
    timed(dir, cmd, env, clean); // warm-up (also builds the CLI's bundle cache)
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push(timed(dir, cmd, env, clean));
    const walls = samples.map((s) => s.wall);
    results.set(name, {
      median: median(walls),
      min: Math.min(...walls),
      max: Math.max(...walls),
      rssMb: Math.max(...samples.map((s) => s.rssKb)) / 1024,
    });
    process.stderr.write(`${apps} apps / ${hosts} hosts: ${name}: median ${median(walls).toFixed(2)} s\n`);
  }
  // The floor must write exactly the bytes synth wrote.
  timed(dir, variants[0]![1], env, clean);
  timed(dir, variants[3]![1], env, () => fs.rmSync(path.join(dir, "floor-out"), { recursive: true, force: true }));
  for (const f of Object.keys(
    (JSON.parse(fs.readFileSync(path.join(dir, "synth-manifest.json"), "utf8")) as { files: Record<string, string> })
      .files,
  )) {
    if (fs.readFileSync(path.join(dir, f), "utf8") !== fs.readFileSync(path.join(dir, "floor-out", f), "utf8")) {
      throw new Error(`the floor does not write the same bytes as synth for ${f}`);
    }
  }
  const floor = results.get(variants[3]![0])!.median;
  for (const [name, r] of results) {
    rows.push(
      `| ${apps} apps / ${hosts} hosts (${fileCount} files) | ${name} | ${r.median.toFixed(2)} | ${r.min.toFixed(2)}–${r.max.toFixed(2)} | ${r.rssMb.toFixed(0)} | ${(r.median / floor).toFixed(1)}x |`,
    );
  }
}

const cpu = (fs.readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? "unknown CPU";
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu.trim()} (${process.version}), ${runs} runs after one warm-up, GNU time.`,
  "",
  "| lab | path | median s | min–max s | peak RSS MB | vs floor |",
  "| --- | --- | --- | --- | --- | --- |",
  ...rows,
  "",
].join("\n");
fs.writeFileSync(path.join(repo, "bench/results.md"), table);
process.stdout.write(table);
