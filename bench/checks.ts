/**
 * The schema check's speed (lib/check/schema), in process, on the documents of a generated lab
 * (bench/lab.ts: 1,000 apps on 300 hosts by default):
 *   - load: importing the check (kubernetes-models, Ajv, the bundled schemas),
 *   - cold: its first run in a fresh process, as every synth pays it (compiling the CRD validators
 *     it needs, learning each core kind's shape),
 *   - warm: throughput in documents per second once compiled (median of RUNS runs).
 * Then every other check the product runs (lib/check: references and policies), each warm, and all
 * of CHECKS together: what the checks add to a synth.
 * It first checks that the lab's documents pass (a throughput over failures would mean nothing).
 *
 * usage: npm run bench:checks [-- --apps 1000] [-- --hosts 300] [-- --runs 5]
 */
const t0 = performance.now();
const { schemaCheck } = await import("../lib/check/schema/index.js");
const loadMs = performance.now() - t0;

const { CHECKS, runChecks } = await import("../lib/check/index.js");
const { externalsOf } = await import("../lib/k8s/external.js");
const { Homelab } = await import("../lib/model/index.js");
const { HomelabApp } = await import("../lib/k8s/homelab-app.js");
const { renderKubernetes } = await import("../lib/k8s/render.js");
const { benchKubernetes, benchSpec } = await import("./lab.js");

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string): number => {
  const i = argv.indexOf(`--${name}`);
  return Number(i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback);
};
const apps = arg("apps", "1000");
const hosts = arg("hosts", "300");
const runs = arg("runs", "5");

const { homelab, problems } = Homelab.validate(benchSpec(hosts));
if (homelab === undefined) throw new Error(`the bench spec is invalid: ${JSON.stringify(problems)}`);
const app = new HomelabApp(homelab);
benchKubernetes(apps)(app);
const { checked, secrets } = renderKubernetes(app, { source: "bench" });
const ctx = { homelab, documents: checked, secrets, sopsFiles: [], externals: externalsOf(app) };

const c0 = performance.now();
const findings = schemaCheck.run(ctx);
const coldMs = performance.now() - c0;
if (findings.length > 0) throw new Error(`the bench lab fails the schema check: ${JSON.stringify(findings[0])}`);

/** Median milliseconds of `runs` runs of `f`. */
function median(f: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const w0 = performance.now();
    f();
    times.push(performance.now() - w0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
const warmMs = median(() => schemaCheck.run(ctx));
const kinds = new Set(checked.map((d) => `${d.doc.apiVersion} ${d.doc.kind}`));
process.stdout.write(
  `schema check, ${apps} apps / ${hosts} hosts: ${checked.length} documents of ${kinds.size} kinds; ` +
    `load ${loadMs.toFixed(0)} ms, cold run ${coldMs.toFixed(0)} ms, ` +
    `warm ${warmMs.toFixed(0)} ms = ${Math.round(checked.length / (warmMs / 1000)).toLocaleString("en")} documents/s ` +
    `(median of ${runs}; ${process.version})\n`,
);

const errors = runChecks(ctx).findings.filter((f) => f.severity === "error");
if (errors.length > 0) throw new Error(`the bench lab fails a check: ${JSON.stringify(errors[0])}`);
// Each run gets a context of its own: what the checks share is built once per context (lib/check/document-index.ts),
// and a synth pays for building it once.
for (const check of CHECKS.filter((c) => c.id !== schemaCheck.id)) {
  process.stdout.write(
    `  ${check.id.padEnd(24)} ${median(() => check.run({ ...ctx }))
      .toFixed(1)
      .padStart(7)} ms\n`,
  );
}
const allMs = median(() => runChecks({ ...ctx }));
process.stdout.write(
  `every check (${CHECKS.length}) together, warm: ${allMs.toFixed(0)} ms = ` +
    `${Math.round(checked.length / (allMs / 1000)).toLocaleString("en")} documents/s (median of ${runs})\n`,
);
