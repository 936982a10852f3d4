#!/usr/bin/env node
/**
 * The `cdk8s-homelab` launcher. Plain JavaScript so that it starts without a TypeScript loader.
 *
 * For the commands that need the lab (synth, check, diff, graph) it finds the lab (the nearest
 * package.json upwards; its "cdk8s-homelab": { "entry": ... }, default apps/lab.ts), then bundles
 * ONE synthetic module that imports the lab's entry AND the CLI (`cdk8s-homelab/cli`) with esbuild,
 * so the lab and the CLI share one copy of the library, and runs it. The bundle is cached in
 * <lab>/node_modules/.cache/cdk8s-homelab/ and run from there only when its record is signed with this
 * user's secret (kept outside every lab), every input (the bundled files outside node_modules/,
 * package.json, the lockfiles, this launcher) still has the SHA-256 recorded, and the bundle's bytes
 * do too. An unchanged lab costs one Node start and one import; an edit costs one rebuild (~0.3 s).
 *
 * Commands that need no lab (init, import-vars, --help, --version, usage errors) run the CLI alone.
 *
 * In this repository (lib/ holds the TypeScript sources) esbuild resolves the package's export
 * condition "cdk8s-homelab-source", which points at lib/*.ts; an installed package uses build/pkg.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Keep in step with LAB_COMMANDS of lib/cli/main.ts (a test checks it). */
const LAB_COMMANDS = ["synth", "check", "diff", "graph"];
const DEFAULT_ENTRY = "apps/lab.ts";
const CACHE = "node_modules/.cache/cdk8s-homelab";
/** Bumped when the cache's layout or its inputs change meaning, so older entries are never read. */
const CACHE_FORMAT = 4;

const pkgRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(fs.readFileSync(path.join(pkgRoot, "package.json"), "utf8"));
const fromSource = fs.existsSync(path.join(pkgRoot, "lib/cli/index.ts"));
const conditions = fromSource ? ["cdk8s-homelab-source"] : [];

/** A problem the user can fix: printed without a stack, exit 1. */
class LaunchError extends Error {}

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/**
 * The secret that signs this user's cache records. It lives outside every lab (in the user's cache
 * folder, mode 0600), so a record that came with a checkout (committed, copied, unpacked) never verifies:
 * whoever wrote it did not know the secret. Null when no such folder can be used: then nothing is cached.
 */
function userSecret() {
  const base = process.env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), ".cache") : "");
  if (!path.isAbsolute(base)) return null;
  const file = path.join(base, "cdk8s-homelab", "cache-secret");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const st = fs.lstatSync(file);
      const mine = typeof process.getuid !== "function" || st.uid === process.getuid();
      const private_ = process.platform === "win32" || (st.mode & 0o077) === 0;
      if (!st.isFile() || !mine || !private_ || st.size !== 32) return null;
      return fs.readFileSync(file);
    } catch (e) {
      if (e.code !== "ENOENT") return null;
    }
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${randomBytes(8).toString("hex")}.tmp`;
      fs.writeFileSync(tmp, randomBytes(32), { flag: "wx", mode: 0o600 });
      try {
        fs.linkSync(tmp, file); // atomic and exclusive: a concurrent first run keeps its own, we read it
      } catch (e) {
        if (e.code !== "EEXIST") throw e;
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    } catch {
      return null;
    }
  }
  return null;
}

/** The record's signature: HMAC-SHA256 over its canonical JSON without the signature. */
const sign = (secret, record) => createHmac("sha256", secret).update(JSON.stringify(record)).digest("hex");

/**
 * The current state of `files` (relative to `root`): size, mtime and SHA-256 of each; null when one is
 * missing or not a regular file. `known` (a previous state) lets a file whose size or mtime changed stop
 * the walk at once, before anything is hashed.
 */
function state(root, files, known) {
  const out = {};
  for (const f of files) {
    const full = path.resolve(root, f);
    let st;
    try {
      st = fs.statSync(full);
    } catch {
      return null;
    }
    if (!st.isFile()) return null;
    const was = known?.[f];
    if (known && (was === undefined || was.size !== st.size || was.mtimeMs !== st.mtimeMs)) return null;
    out[f] = { size: st.size, mtimeMs: st.mtimeMs, sha256: sha256(fs.readFileSync(full)) };
  }
  return out;
}

/** The inputs key: one hash of every input's path and content hash. */
const inputsKey = (inputs) => sha256(JSON.stringify(Object.entries(inputs).map(([f, s]) => [f, s.sha256])));

/** Writes `data` to a fresh, exclusive temporary file beside `file`, then renames it over `file`. */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    fs.writeFileSync(tmp, data, { flag: "wx", mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * The cache folder `<root>/node_modules/.cache/cdk8s-homelab`, created if needed, or null when a part of
 * the way is not a folder, or `.cache` or `cdk8s-homelab` is a link (nothing is then read or written
 * there). node_modules/ itself may be a link to a real folder, as some workspaces lay it out.
 */
function cacheFolder(root, create) {
  let at = root;
  for (const part of CACHE.split("/")) {
    at = path.join(at, part);
    try {
      const st = part === "node_modules" ? fs.statSync(at) : fs.lstatSync(at);
      if (!st.isDirectory()) return null;
    } catch (e) {
      if (e.code !== "ENOENT" || !create) return null;
      try {
        fs.mkdirSync(at, { mode: 0o700 });
      } catch (e2) {
        if (e2.code !== "EEXIST") return null;
        if (!fs.lstatSync(at).isDirectory()) return null;
      }
    }
  }
  return at;
}

/**
 * Removes what no run needs: bundles of this id but `keep` once they are an hour old (a concurrent run
 * may still be importing one), leftovers of interrupted writes, and the records (with their bundles) of
 * labs whose folder is gone (temporary copies).
 */
function prune(cacheDir, id, keep) {
  const hour = Date.now() - 3_600_000;
  const gone = new Set();
  const files = fs.readdirSync(cacheDir);
  for (const f of files) {
    if (!f.endsWith(".json")) continue;
    try {
      const saved = JSON.parse(fs.readFileSync(path.join(cacheDir, f), "utf8"));
      if (typeof saved.root !== "string" || !fs.existsSync(saved.root)) gone.add(f.slice(0, -".json".length));
    } catch {
      // being written by a concurrent run
    }
  }
  for (const f of files) {
    const own = f.split(/[-.]/)[0];
    const file = path.join(cacheDir, f);
    try {
      const old = fs.lstatSync(file).mtimeMs < hour;
      if (gone.has(own)) fs.rmSync(file, { force: true });
      else if (old && (f.endsWith(".tmp") || (own === id && f !== keep && f.endsWith(".mjs")))) {
        fs.rmSync(file, { force: true });
      }
    } catch {
      // removed by a concurrent run
    }
  }
}

/**
 * The bundle of `contents` (a module resolved from `root`), from the cache when it may be trusted,
 * otherwise built (and cached). `key` names the cache entry; it covers everything that is not an
 * input file. A cached bundle is run only when
 *   - its record is signed with this user's secret (see userSecret), so a record that came with the
 *     checkout is never believed;
 *   - every input it lists (the bundle's files outside node_modules/, package.json, the lockfiles
 *     and this launcher) still has the SHA-256 recorded, i.e. the inputs key is the current one;
 *   - and the bundle's own bytes have the SHA-256 recorded.
 * Size and mtime only decide early that an input changed. Anything else rebuilds.
 */
async function bundle(root, key, contents) {
  const id = sha256(JSON.stringify([CACHE_FORMAT, key, pkg.version, conditions, process.version])).slice(0, 16);
  const secret = userSecret();
  const existing = secret ? cacheFolder(root, false) : null;
  if (existing) {
    try {
      const record = JSON.parse(fs.readFileSync(path.join(existing, `${id}.json`), "utf8"));
      const { mac, ...body } = record;
      const ok =
        typeof mac === "string" &&
        mac === sign(secret, body) &&
        body.format === CACHE_FORMAT &&
        body.id === id &&
        typeof body.bundle === "string" &&
        body.bundle === path.basename(body.bundle) &&
        body.bundle.startsWith(`${id}-`);
      if (ok) {
        const now = state(root, Object.keys(body.inputs), body.inputs);
        if (now !== null && inputsKey(now) === body.inputsKey) {
          const file = path.join(existing, body.bundle);
          const st = fs.lstatSync(file);
          if (st.isFile() && sha256(fs.readFileSync(file)) === body.bundleSha256) return file;
        }
      }
    } catch {
      // no cache yet, or unreadable: rebuild
    }
  }
  const { build } = await import("esbuild");
  const started = Date.now();
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
      outfile: path.join(root, CACHE, "bundle.mjs"),
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
  const codeHash = sha256(code);
  const name = `${id}-${codeHash.slice(0, 16)}.mjs`;
  const cacheDir = cacheFolder(root, true);
  // Installed packages change only through npm, which rewrites node_modules/.package-lock.json (and the
  // lockfile): hashing those stands for the hundreds of files under node_modules/.
  const listed = [
    ...Object.keys(result.metafile.inputs).filter((f) => !f.split(/[\\/]/).includes("node_modules")),
    "package.json",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "node_modules/.package-lock.json",
    path.relative(root, fileURLToPath(import.meta.url)), // this launcher: a new one rebuilds
  ].filter((f) => !f.startsWith("<") && fs.existsSync(path.resolve(root, f)));
  const inputs = state(root, [...new Set(listed)].sort());
  // An input written while esbuild ran may differ from what it read: then run this bundle, but do not keep it.
  const settled = inputs !== null && Object.values(inputs).every((i) => i.mtimeMs < started);
  if (cacheDir === null || secret === null || !settled) {
    // Nowhere safe to keep it, or an input changed while esbuild read it: run it from a private temporary
    // folder, removed when this process exits, and build again next time.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdk8s-homelab-"));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, "bundle.mjs");
    fs.writeFileSync(file, code, { flag: "wx", mode: 0o600 });
    return file;
  }
  const file = path.join(cacheDir, name);
  writeAtomic(file, code);
  const body = { format: CACHE_FORMAT, id, root, key, bundle: name, bundleSha256: codeHash, inputs };
  body.inputsKey = inputsKey(inputs);
  writeAtomic(path.join(cacheDir, `${id}.json`), JSON.stringify({ ...body, mac: sign(secret, body) }));
  prune(cacheDir, id, name);
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
      ? await bundle(pkgRoot, "cli", 'export * from "cdk8s-homelab/cli";')
      : path.join(pkgRoot, "build/pkg/lib/cli/index.js");
    const { main } = await import(pathToFileURL(cli).href);
    return main(argv, ctx);
  }
  const { root, entry } = findLab(process.cwd());
  const contents =
    `import * as entry from ${JSON.stringify(`./${entry}`)};\n` +
    'export { runEntry } from "cdk8s-homelab/cli";\n' +
    "export { entry };\n";
  const file = await bundle(root, ["lab", root, entry], contents);
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
