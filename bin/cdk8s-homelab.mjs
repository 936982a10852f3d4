#!/usr/bin/env node
/**
 * The `cdk8s-homelab` launcher. Plain JavaScript so that it starts without a TypeScript loader.
 *
 * For the commands that need the lab (synth, check, diff, graph) it finds the lab (the nearest
 * package.json upwards; its "cdk8s-homelab": { "entry": ... }, default apps/lab.ts), then bundles
 * ONE synthetic module that imports the lab's entry AND the CLI (`cdk8s-homelab/cli`) with esbuild,
 * so the lab and the CLI share one copy of the library, and runs it. The bundle is cached in
 * <lab>/node_modules/.cache/cdk8s-homelab/, keyed by the lab, and reused while the size and mtime of
 * every bundled input outside node_modules/ (and package.json, package-lock.json and
 * node_modules/.package-lock.json, which npm rewrites on every install) are unchanged: an unchanged lab
 * costs one Node start and one import; an edit costs one rebuild (~0.3 s).
 *
 * Commands that need no lab (init, import-vars, --help, --version, usage errors) run the CLI alone.
 *
 * In this repository (lib/ holds the TypeScript sources) esbuild resolves the package's export
 * condition "cdk8s-homelab-source", which points at lib/*.ts; an installed package uses build/pkg.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Keep in step with LAB_COMMANDS of lib/cli/main.ts (a test checks it). */
const LAB_COMMANDS = ["synth", "check", "diff", "graph"];
const DEFAULT_ENTRY = "apps/lab.ts";
const CACHE = "node_modules/.cache/cdk8s-homelab";
/** Bumped when the cache's layout or its inputs change meaning, so older entries are never read. */
const CACHE_FORMAT = 2;

const pkgRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(fs.readFileSync(path.join(pkgRoot, "package.json"), "utf8"));
const fromSource = fs.existsSync(path.join(pkgRoot, "lib/cli/index.ts"));
const conditions = fromSource ? ["cdk8s-homelab-source"] : [];

/** A problem the user can fix: printed without a stack, exit 1. */
class LaunchError extends Error {}

/** size:mtime of each file (paths relative to `root`), or null when one is missing. */
function stamp(root, files) {
  const out = {};
  for (const f of files) {
    try {
      const s = fs.statSync(path.resolve(root, f));
      out[f] = `${s.size}:${s.mtimeMs}`;
    } catch {
      return null;
    }
  }
  return out;
}

function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * Removes what no run needs: bundles of this key but `keep` once they are an hour old (a concurrent run
 * may still be importing one), every entry of a lab whose folder is gone (temporary copies), and entries
 * of the same key made by another format, version or Node, built over an hour ago.
 */
function prune(cacheDir, id, keep, ownKey) {
  const hour = Date.now() - 3_600_000;
  const gone = new Set();
  for (const f of fs.readdirSync(cacheDir)) {
    if (!f.endsWith(".json")) continue;
    try {
      const file = path.join(cacheDir, f);
      const saved = JSON.parse(fs.readFileSync(file, "utf8"));
      const other = f.slice(0, -".json".length);
      // a lab that is gone, or the same key's entry of another format, version or Node, built an hour ago
      if (typeof saved.root !== "string" || !fs.existsSync(saved.root)) gone.add(other);
      else if (other !== id && JSON.stringify(saved.key) === ownKey && fs.statSync(file).mtimeMs < hour)
        gone.add(other);
    } catch {
      // being written by a concurrent run
    }
  }
  for (const f of fs.readdirSync(cacheDir)) {
    const key = f.split(/[-.]/)[0];
    try {
      if (gone.has(key)) fs.rmSync(path.join(cacheDir, f), { force: true });
      else if (key === id && f !== keep && f.endsWith(".mjs") && fs.statSync(path.join(cacheDir, f)).mtimeMs < hour) {
        fs.rmSync(path.join(cacheDir, f), { force: true });
      }
    } catch {
      // removed by a concurrent run
    }
  }
}

/**
 * The cached bundle of `contents` (a module resolved from `root`), rebuilt when an input changed.
 * `key` names the cache entry; it covers everything that is not an input file.
 */
async function bundle(root, cacheDir, key, contents) {
  const id = createHash("sha256")
    .update(JSON.stringify([CACHE_FORMAT, key, pkg.version, conditions, process.version]))
    .digest("hex")
    .slice(0, 16);
  const stampFile = path.join(cacheDir, `${id}.json`);
  try {
    const saved = JSON.parse(fs.readFileSync(stampFile, "utf8"));
    const now = stamp(root, Object.keys(saved.inputs));
    const file = path.join(cacheDir, path.basename(saved.bundle));
    if (now !== null && JSON.stringify(now) === JSON.stringify(saved.inputs) && fs.existsSync(file)) return file;
  } catch {
    // no cache yet, or unreadable: rebuild
  }
  const { build } = await import("esbuild");
  let result;
  try {
    result = await build({
      stdin: { contents, resolveDir: root, sourcefile: "cdk8s-homelab-entry.mjs", loader: "js" },
      absWorkingDir: root,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      conditions,
      write: false,
      metafile: true,
      outfile: path.join(cacheDir, "bundle.mjs"),
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      logLevel: "silent",
    });
  } catch (e) {
    const lines = (e.errors ?? []).map((m) => {
      const at = m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : "";
      return `  ${at}${m.text}`;
    });
    throw new LaunchError(`the lab does not build; nothing was written:\n${lines.join("\n") || e.message}`);
  }
  const code = result.outputFiles[0].contents;
  const name = `${id}-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`;
  fs.mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, name);
  if (!fs.existsSync(file)) writeAtomic(file, code);
  prune(cacheDir, id, name, JSON.stringify(key));
  // Installed packages change only through npm, which rewrites node_modules/.package-lock.json (and the
  // lockfile): stamping those stands for the hundreds of files under node_modules/, and saves their stats.
  const inputs = [
    ...Object.keys(result.metafile.inputs).filter((f) => !f.split(/[\\/]/).includes("node_modules")),
    "package.json",
    "package-lock.json",
    "node_modules/.package-lock.json",
    path.relative(root, fileURLToPath(import.meta.url)), // this launcher: a new one rebuilds
  ]
    .filter((f) => !f.startsWith("<") && fs.existsSync(path.resolve(root, f)))
    .sort();
  writeAtomic(stampFile, JSON.stringify({ bundle: name, root, key, inputs: stamp(root, [...new Set(inputs)]) }));
  return file;
}

/** The lab around `cwd`: the nearest package.json upwards and its entry (mirrors lib/cli/config.ts). */
function findLab(cwd) {
  let root = cwd;
  while (!fs.existsSync(path.join(root, "package.json"))) {
    const up = path.dirname(root);
    if (up === root) {
      throw new LaunchError(
        `no lab here: there is no package.json in ${cwd} or above it. ` +
          "Run this inside a lab, or start one with `cdk8s-homelab init DIR`.",
      );
    }
    root = up;
  }
  let config;
  try {
    config = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))["cdk8s-homelab"];
  } catch (e) {
    throw new LaunchError(`${path.join(root, "package.json")} is not valid JSON (${e.message}). Fix it.`);
  }
  const configured = typeof config?.entry === "string";
  const entry = configured ? config.entry : DEFAULT_ENTRY;
  if (!fs.existsSync(path.join(root, entry))) {
    const where = configured
      ? `package.json's "cdk8s-homelab".entry is "${entry}"`
      : `package.json names no "cdk8s-homelab".entry, so the default is ${DEFAULT_ENTRY}`;
    throw new LaunchError(
      `the lab's entry ${entry} does not exist in ${root} (${where}). Create it (a module whose default export is ` +
        `defineLab({...})), or point package.json's "cdk8s-homelab": { "entry": "..." } at yours.`,
    );
  }
  return { root, entry };
}

async function launch(argv) {
  const color = process.stdout.isTTY === true && (process.env.NO_COLOR === undefined || process.env.NO_COLOR === "");
  const ctx = { cwd: process.cwd(), version: pkg.version, color };
  const needsLab = LAB_COMMANDS.includes(argv[0]) && !argv.includes("-h") && !argv.includes("--help");
  if (!needsLab) {
    const cli = fromSource
      ? await bundle(pkgRoot, path.join(pkgRoot, CACHE), "cli", 'export * from "cdk8s-homelab/cli";')
      : path.join(pkgRoot, "build/pkg/lib/cli/index.js");
    const { main } = await import(pathToFileURL(cli).href);
    return main(argv, ctx);
  }
  const { root, entry } = findLab(process.cwd());
  const contents =
    `import * as entry from ${JSON.stringify(`./${entry}`)};\n` +
    'export { runEntry } from "cdk8s-homelab/cli";\n' +
    "export { entry };\n";
  const file = await bundle(root, path.join(root, CACHE), ["lab", root, entry], contents);
  const loaded = await import(pathToFileURL(file).href);
  return loaded.runEntry(argv, { ...ctx, root, entry, module: loaded.entry });
}

try {
  process.exitCode = await launch(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof LaunchError)) throw e;
  process.stderr.write(`cdk8s-homelab: ${e.message}\n`);
  // Scripts that asked for JSON get it: the same shape as check --json, with the problem as its error.
  if (process.argv.includes("--json")) {
    const report = { ok: false, files: 0, errors: [e.message], warnings: [], drift: [], interrupted: false };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  }
  process.exitCode = 1;
}
