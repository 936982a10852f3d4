/**
 * Writes a rendered {@link FileMap} to disk as one transaction, pruning the
 * generated files that are no longer produced and never touching a file synth
 * does not own (see the manifest in files.ts).
 *
 * The transaction, all inside `<root>/.synth-txn/` (same filesystem, so renames are atomic):
 *  1. stage: every new or changed file is written under `.synth-txn/new/`;
 *  2. back up: every file that will be replaced or deleted is hard-linked under `.synth-txn/old/`;
 *  3. journal: `.synth-txn/journal.json` is written (temp file + rename, fsynced);
 *  4. commit: staged files are renamed over their targets, pruned files unlinked;
 *  5. the journal is removed, then `.synth-txn/`.
 * A process killed before step 3 leaves the tree untouched (the stage is thrown
 * away by the next run). Killed after it, the next run finds the journal and
 * rolls the tree back to exactly what it was, from the hard-linked backups,
 * before it does anything else.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MANIFEST_PATH, OUTPUT_ROOTS, compareStrings, parseManifest, type FileMap } from "./files.js";

/** Test seams: called at fixed points of the transaction (tests use them to kill the process for real). */
export interface WriteHooks {
  /** Before the i-th commit step (a rename or an unlink), once the journal is on disk. */
  readonly beforeCommit?: (index: number, path: string) => void;
  /** After a file is staged, before the journal exists. */
  readonly afterStage?: (index: number, path: string) => void;
  /** After the last commit step, before the journal is removed. */
  readonly beforeCleanup?: () => void;
}

/**
 * Test seam read by the synth CLI: `HOMELAB_SYNTH_KILL_AT=<step>` makes synth SIGKILL itself at a
 * named step of the write, so end-to-end tests kill the real synth at exact points, not at a time.
 * Steps: `stage:<i>` (after the i-th file is staged), `commit:<i>` (before the i-th commit step),
 * `cleanup` (after the last commit step, before the journal is removed).
 */
export const KILL_AT_ENV = "HOMELAB_SYNTH_KILL_AT";

/** The {@link WriteHooks} that SIGKILL this process at `step` (see {@link KILL_AT_ENV}); none when undefined. */
export function killHooks(step: string | undefined): WriteHooks {
  if (step === undefined || step === "") return {};
  const die = () => void process.kill(process.pid, "SIGKILL");
  const match = /^(stage|commit):(\d+)$/.exec(step);
  if (match?.[1] === "stage") return { afterStage: (i) => (i === Number(match[2]) ? die() : undefined) };
  if (match?.[1] === "commit") return { beforeCommit: (i) => (i === Number(match[2]) ? die() : undefined) };
  if (step === "cleanup") return { beforeCleanup: die };
  throw new Error(`${KILL_AT_ENV}=${step}: not a step; use stage:<i>, commit:<i> or cleanup`);
}

/** Folder of an ongoing (or interrupted) transaction, relative to the project root. */
export const TXN_DIR = ".synth-txn";

/** What a write would do, or did. */
export interface Plan {
  /** Files that do not exist yet. */
  readonly create: readonly string[];
  /** Files whose content changes. */
  readonly update: readonly string[];
  /** Generated files no longer produced: removed. */
  readonly remove: readonly string[];
  /** Files left as they are. */
  readonly unchanged: readonly string[];
  /** Files synth would produce but that exist and are not synth's (hand-written): never overwritten. */
  readonly conflicts: readonly string[];
}

/** Thrown when synth would overwrite files it does not own. Nothing is written. */
export class HandWrittenFileError extends Error {
  constructor(readonly paths: readonly string[]) {
    super(
      `synth would overwrite ${paths.length} file${paths.length === 1 ? "" : "s"} it did not write (not in ${MANIFEST_PATH}); nothing was written:\n` +
        paths.map((p) => `  ${p}`).join("\n") +
        "\nMove or delete them if they are stale output, or rename what your lab generates.",
    );
    this.name = "HandWrittenFileError";
  }
}

/** The files the manifest on disk says synth owns (empty when there is none). */
export function readOwned(root: string): Set<string> {
  const manifestFile = path.join(root, MANIFEST_PATH);
  if (!fs.existsSync(manifestFile)) return new Set();
  const files = parseManifest(fs.readFileSync(manifestFile, "utf8"));
  if (files === undefined) {
    throw new Error(`${MANIFEST_PATH} is not a synth manifest; restore it from git (it lists the files synth owns)`);
  }
  return new Set(files);
}

function readIfFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** Compares the rendered files with the disk. Reads only; writes nothing. */
export function planWrite(root: string, files: FileMap): Plan {
  const owned = readOwned(root);
  const create: string[] = [];
  const update: string[] = [];
  const unchanged: string[] = [];
  const conflicts: string[] = [];
  for (const p of [...files.keys()].sort(compareStrings)) {
    const current = readIfFile(path.join(root, p));
    if (current === undefined) create.push(p);
    else if (current === files.get(p)) unchanged.push(p);
    else if (owned.has(p) || p === MANIFEST_PATH) update.push(p);
    else conflicts.push(p);
  }
  const remove = [...owned]
    .filter((p) => !files.has(p) && isInsideRoots(p) && fs.existsSync(path.join(root, p)))
    .sort(compareStrings);
  return { create, update, remove, unchanged, conflicts };
}

function isInsideRoots(p: string): boolean {
  const first = p.split("/")[0];
  return (OUTPUT_ROOTS as readonly string[]).includes(first ?? "") && !p.split("/").includes("..");
}

interface JournalOp {
  readonly path: string;
  readonly action: "write" | "delete";
  /** True when a previous version was backed up under old/. */
  readonly hadOld: boolean;
}

/**
 * Rolls back a transaction that a killed synth left behind, restoring every
 * file it had replaced or deleted and removing the ones it had created.
 * @returns the number of files restored or removed (0 when there was nothing to do)
 */
export function recover(root: string): number {
  const txn = path.join(root, TXN_DIR);
  if (!fs.existsSync(txn)) return 0;
  const lock = readIfFile(path.join(txn, "pid"));
  const pid = lock === undefined ? NaN : Number(lock);
  if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
    throw new Error(`another synth (pid ${pid}) is writing this tree; wait for it, or remove ${TXN_DIR}/ if it is gone`);
  }
  const journalText = readIfFile(path.join(txn, "journal.json"));
  let count = 0;
  if (journalText !== undefined) {
    const ops = JSON.parse(journalText) as JournalOp[];
    for (const op of ops) {
      const target = path.join(root, op.path);
      const backup = path.join(txn, "old", op.path);
      if (op.hadOld) {
        if (fs.existsSync(backup)) {
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.renameSync(backup, target);
          count++;
        }
      } else if (fs.existsSync(target)) {
        fs.unlinkSync(target);
        removeEmptyParents(root, op.path);
        count++;
      }
    }
  }
  fs.rmSync(txn, { recursive: true, force: true });
  return count;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the now-empty folders above `rel`, stopping at an output root. */
function removeEmptyParents(root: string, rel: string): void {
  let dir = path.posix.dirname(rel);
  while (dir.includes("/")) {
    const abs = path.join(root, dir);
    try {
      if (fs.readdirSync(abs).length > 0) return;
      fs.rmdirSync(abs);
    } catch {
      return;
    }
    dir = path.posix.dirname(dir);
  }
}

/**
 * Writes `files` under `root` as one transaction (see the module comment).
 * Throws {@link HandWrittenFileError} before writing anything when a rendered
 * file would replace a file synth does not own.
 */
export function writeFiles(root: string, files: FileMap, hooks: WriteHooks = {}): Plan {
  recover(root);
  const plan = planWrite(root, files);
  if (plan.conflicts.length > 0) throw new HandWrittenFileError(plan.conflicts);
  const writes = [...plan.create, ...plan.update];
  if (writes.length === 0 && plan.remove.length === 0) return plan;

  const txn = path.join(root, TXN_DIR);
  fs.mkdirSync(txn, { recursive: false });
  fs.writeFileSync(path.join(txn, "pid"), String(process.pid));

  try {
    stageAndCommit(root, txn, files, plan, writes, hooks);
  } catch (e) {
    // A failure (disk full, a folder where a file should go, ...) rolls everything back.
    recover(root);
    throw e;
  }
  return plan;
}

function stageAndCommit(root: string, txn: string, files: FileMap, plan: Plan, writes: readonly string[], hooks: WriteHooks): void {
  // 1. stage
  for (const [i, p] of writes.entries()) {
    const staged = path.join(txn, "new", p);
    fs.mkdirSync(path.dirname(staged), { recursive: true });
    fs.writeFileSync(staged, files.get(p)!);
    hooks.afterStage?.(i, p);
  }
  // 2. back up what will be replaced or removed
  const ops: JournalOp[] = [];
  const updates = new Set(plan.update);
  for (const p of writes) {
    const hadOld = updates.has(p);
    if (hadOld) link(path.join(root, p), path.join(txn, "old", p));
    ops.push({ path: p, action: "write", hadOld });
  }
  for (const p of plan.remove) {
    link(path.join(root, p), path.join(txn, "old", p));
    ops.push({ path: p, action: "delete", hadOld: true });
  }
  // 3. journal
  const journalTmp = path.join(txn, "journal.tmp");
  const fd = fs.openSync(journalTmp, "w");
  fs.writeSync(fd, JSON.stringify(ops));
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(journalTmp, path.join(txn, "journal.json"));

  // 4. commit
  for (const [i, op] of ops.entries()) {
    hooks.beforeCommit?.(i, op.path);
    const target = path.join(root, op.path);
    if (op.action === "write") {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(path.join(txn, "new", op.path), target);
    } else {
      fs.unlinkSync(target);
      removeEmptyParents(root, op.path);
    }
  }
  hooks.beforeCleanup?.();
  // 5. done
  fs.unlinkSync(path.join(txn, "journal.json"));
  fs.rmSync(txn, { recursive: true, force: true });
}

function link(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}
