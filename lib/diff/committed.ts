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

/** Reads blobs with one `git cat-file --batch` in `root`; undefined when `root` is not in a git repository. */
function catFiles(root: string, specs: readonly string[]): Map<string, string> | undefined {
  const input = Buffer.from(specs.map((s) => `${s}\n`).join(""));
  const r = spawnSync("git", ["cat-file", "--batch"], {
    cwd: root,
    input,
    maxBuffer: 1 << 30,
    env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
  });
  if (r.error !== undefined || r.status !== 0) return undefined;
  const out = new Map<string, string>();
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
    pos += n + 1; // the content and the newline after it
  }
  return out;
}

/** The paths a manifest lists (none when the text is not a manifest). */
function manifestPaths(text: string): string[] {
  return [...(parseManifest(text)?.keys() ?? [])];
}

/** `HEAD:./path`: the path relative to the working directory, as cat-file resolves it. */
function headSpec(p: string): string {
  return `HEAD:./${p}`;
}

/** The files listed by the manifest on disk (a guess at HEAD's list, so one git process usually suffices). */
function diskManifestFiles(root: string): string[] {
  const file = path.join(root, MANIFEST_PATH);
  return existsSync(file) ? manifestPaths(readFileSync(file, "utf8")) : [];
}

/** The tree as of HEAD; undefined when `root` is not inside a git work tree. */
function readFromGit(root: string): Map<string, string> | undefined {
  const guess = diskManifestFiles(root);
  const first = catFiles(root, [headSpec(MANIFEST_PATH), ...guess.map(headSpec)]);
  if (first === undefined) return undefined;
  const files = new Map<string, string>();
  const manifest = first.get(headSpec(MANIFEST_PATH));
  if (manifest === undefined) return files; // no commit yet, or no manifest committed: nothing generated is committed
  const listed = manifestPaths(manifest);
  const known = new Set(guess);
  const rest = listed.filter((p) => !known.has(p));
  const second =
    rest.length > 0 ? (catFiles(root, rest.map(headSpec)) ?? new Map<string, string>()) : new Map<string, string>();
  for (const p of listed) {
    const text = first.get(headSpec(p)) ?? second.get(headSpec(p));
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
  for (const p of manifestPaths(manifest)) {
    const file = path.join(root, ...p.split("/"));
    if (existsSync(file)) files.set(p, readFileSync(file, "utf8"));
  }
  files.set(MANIFEST_PATH, manifest);
  return files;
}

/**
 * The generated files of the lab at `root` as committed: the files its `synth-manifest.json`
 * lists, plus the manifest. Inside a git work tree they come from `HEAD` (HEAD's manifest
 * decides which; nothing before the first commit), read with one `git cat-file --batch`;
 * otherwise (no git, or not a repository) from the disk.
 */
export function readCommittedTree(root: string): CommittedTree {
  const fromGit = readFromGit(root);
  if (fromGit !== undefined) return { files: fromGit, source: "git HEAD" };
  return { files: readFromDisk(root), source: "disk" };
}
