/**
 * The generated files as committed, for `diff` to compare a fresh render with: from git's
 * `HEAD` when the lab is in a git work tree (two git processes, whatever the number of
 * files), otherwise from the disk. The only function of lib/diff that reads anything.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { MANIFEST_PATH, parseManifest } from "../synth/files.js";

/** The committed generated files and where they were read from. */
export interface CommittedTree {
  /** Project-relative path -> text: the manifest's files and the manifest itself. */
  readonly files: Map<string, string>;
  /** `git HEAD` inside a git work tree (empty before the first commit), `disk` otherwise. */
  readonly source: "git HEAD" | "disk";
}

function git(root: string, args: readonly string[], input?: Buffer): { ok: boolean; stdout: Buffer } {
  const r = spawnSync("git", args, { cwd: root, input, maxBuffer: 1 << 30, env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" } });
  return { ok: r.error === undefined && r.status === 0, stdout: r.stdout ?? Buffer.alloc(0) };
}

/** Reads many blobs with one `git cat-file --batch`; absent ones are left out. */
function catFiles(root: string, specs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (specs.length === 0) return out;
  const r = git(root, ["cat-file", "--batch"], Buffer.from(specs.map((s) => `${s}\n`).join("")));
  if (!r.ok) throw new Error(`git cat-file --batch failed in ${root}`);
  const buf = r.stdout;
  let pos = 0;
  for (const spec of specs) {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) throw new Error(`git cat-file --batch ended early in ${root}`);
    const header = buf.toString("utf8", pos, nl);
    pos = nl + 1;
    if (header.endsWith(" missing") || header.endsWith(" ambiguous")) continue;
    const [, type, size] = header.split(" ");
    const n = Number(size);
    if (type === "blob") out.set(spec, buf.toString("utf8", pos, pos + n));
    pos += n + 1; // content and its trailing newline
  }
  return out;
}

function readFromGit(root: string, prefix: string): Map<string, string> {
  const files = new Map<string, string>();
  const manifestSpec = `HEAD:${prefix}${MANIFEST_PATH}`;
  const manifest = catFiles(root, [manifestSpec]).get(manifestSpec);
  if (manifest === undefined) return files;
  const listed = parseManifest(manifest) ?? [];
  const blobs = catFiles(root, listed.map((p) => `HEAD:${prefix}${p}`));
  for (const p of listed) {
    const text = blobs.get(`HEAD:${prefix}${p}`);
    if (text !== undefined) files.set(p, text);
  }
  files.set(MANIFEST_PATH, manifest);
  return files;
}

function readFromDisk(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const manifestFile = path.join(root, MANIFEST_PATH);
  if (!existsSync(manifestFile)) return files;
  const manifest = readFileSync(manifestFile, "utf8");
  for (const p of parseManifest(manifest) ?? []) {
    const file = path.join(root, ...p.split("/"));
    if (existsSync(file)) files.set(p, readFileSync(file, "utf8"));
  }
  files.set(MANIFEST_PATH, manifest);
  return files;
}

/**
 * The generated files of the lab at `root` as committed: the files its `synth-manifest.json`
 * lists, plus the manifest. Inside a git work tree they come from `HEAD` (the manifest of
 * `HEAD` decides which; nothing before the first commit); otherwise from the disk.
 */
export function readCommittedTree(root: string): CommittedTree {
  const probe = git(root, ["rev-parse", "--is-inside-work-tree", "--show-prefix"]);
  const [inside, prefix = ""] = probe.stdout.toString("utf8").split("\n");
  if (!probe.ok || inside !== "true") return { files: readFromDisk(root), source: "disk" };
  if (!git(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).ok) return { files: new Map(), source: "git HEAD" };
  return { files: readFromGit(root, prefix), source: "git HEAD" };
}
