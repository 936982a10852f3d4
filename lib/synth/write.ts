/**
 * Writes a rendered {@link FileMap} to disk as one transaction, pruning the
 * generated files that are no longer produced and never touching a file synth
 * does not own (see the manifest in files.ts).
 *
 * The transaction, all inside `<root>/.synth-txn/` (same filesystem, so renames are atomic):
 *  0. lock: `.synth-txn/` appears atomically with its owner (lock.ts); an interrupted run's
 *     folder is validated and rolled back first;
 *  1. stage: every new or changed file is written under `.synth-txn/new/`;
 *  2. back up: every file that will be replaced or deleted is hard-linked under `.synth-txn/old/`;
 *  3. journal: `.synth-txn/journal.json` is written (temp file + rename, fsynced);
 *  4. commit: staged files are renamed over their targets, pruned files unlinked;
 *  5. `.synth-txn/` is renamed away and removed.
 * A process killed before step 3 leaves the tree untouched. Killed after it, the next run finds
 * the journal and rolls the tree back to exactly what it was before it does anything else.
 *
 * Nothing here follows a symbolic link inside the project (trust.ts): every path is checked
 * component by component before the first write.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import {
  MANIFEST_PATH,
  type FileMap,
  compareStrings,
  contentHash,
  looksGenerated,
  parseManifest,
  pathProblem,
} from "./files.js";
import { type JournalOp, backupPath, readJournal, rollBack, stagePath } from "./journal.js";
import { type Lock, TXN_DIR, acquire, release } from "./lock.js";
import { PathGuard, UnsafePathError } from "./trust.js";

export { TXN_DIR, SynthBusyError } from "./lock.js";
export { UnsafePathError } from "./trust.js";

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

/** A generated file synth no longer produces but leaves alone, and why. */
export interface KeptFile {
  readonly path: string;
  readonly reason: string;
}

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
  /** Files the manifest lists but synth does not delete (changed since written, or not generated). */
  readonly kept: readonly KeptFile[];
  /** Paths synth will not write through (links, files where folders belong): nothing is written. */
  readonly unsafe: readonly string[];
}

/** Thrown when synth would overwrite files it does not own. Nothing is written. */
export class HandWrittenFileError extends Error {
  constructor(readonly paths: readonly string[]) {
    super(
      `synth would overwrite ${paths.length} file${paths.length === 1 ? "" : "s"} it did not write ` +
        `(not in ${MANIFEST_PATH}); nothing was written:\n` +
        paths.map((p) => `  ${p}`).join("\n") +
        "\nMove or delete them if they are stale output, or rename what your lab generates.",
    );
    this.name = "HandWrittenFileError";
  }
}

/** The largest generated file synth reads back to compare: 256 MiB. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * The files the manifest on disk says synth owns, with the SHA-256 of what it wrote
 * (undefined for a version 1 manifest). Empty when there is no manifest.
 */
export function readOwned(root: string | PathGuard): Map<string, string | undefined> {
  const guard = typeof root === "string" ? new PathGuard(root) : root;
  const text = guard.read(MANIFEST_PATH);
  if (text === undefined) return new Map();
  const files = parseManifest(text);
  if (files === undefined) {
    throw new Error(`${MANIFEST_PATH} is not a synth manifest; restore it from git (it lists the files synth owns)`);
  }
  return files;
}

/** Compares the rendered files with the disk. Reads only; writes nothing. */
export function planWrite(root: string | PathGuard, files: FileMap): Plan {
  const guard = typeof root === "string" ? new PathGuard(root) : root;
  const unsafe: string[] = [];
  const owned = readOwned(guard);
  const create: string[] = [];
  const update: string[] = [];
  const unchanged: string[] = [];
  const conflicts: string[] = [];
  for (const p of [...files.keys()].sort(compareStrings)) {
    const problem = guard.fileProblem(p);
    if (problem !== undefined) {
      unsafe.push(problem);
      continue;
    }
    const kind = fileKind(p, guard.read(p, MAX_OUTPUT_BYTES), files.get(p)!, owned);
    ({ create, update, unchanged, conflict: conflicts })[kind].push(p);
  }
  const { remove, kept } = planRemovals(guard, owned, files, unsafe);
  return { create, update, remove, unchanged, conflicts, kept, unsafe };
}

/**
 * The owned files `files` no longer has: those synth removes, and those it keeps (with why). A path it
 * will not follow is added to `unsafe`. Reads only.
 */
function planRemovals(
  guard: PathGuard,
  owned: ReadonlyMap<string, string | undefined>,
  files: FileMap,
  unsafe: string[],
): { remove: string[]; kept: KeptFile[] } {
  const remove: string[] = [];
  const kept: KeptFile[] = [];
  for (const [p, hash] of [...owned].sort(([a], [b]) => compareStrings(a, b))) {
    if (files.has(p) || p === MANIFEST_PATH) continue;
    if (pathProblem(p) !== undefined) {
      kept.push({ path: p, reason: `listed in ${MANIFEST_PATH} but outside the output folders; ignored` });
      continue;
    }
    const problem = guard.fileProblem(p);
    if (problem !== undefined) {
      unsafe.push(problem);
      continue;
    }
    const current = guard.read(p, MAX_OUTPUT_BYTES);
    if (current === undefined) continue;
    if (hash !== undefined && contentHash(current) !== hash) {
      kept.push({ path: p, reason: "changed since synth wrote it; left alone (delete it yourself if it is unused)" });
    } else if (!looksGenerated(p, current)) {
      kept.push({ path: p, reason: "has no generated header, so synth did not write it; left alone" });
    } else remove.push(p);
  }
  return { remove, kept };
}

/** What writing `text` at `p` does, given what is there now (`current`, undefined when nothing is). */
function fileKind(
  p: string,
  current: string | undefined,
  text: string,
  owned: ReadonlyMap<string, string | undefined>,
): "create" | "update" | "unchanged" | "conflict" {
  if (current === undefined) return "create";
  if (current === text) return "unchanged";
  return p === MANIFEST_PATH || (owned.has(p) && isOurs(p, current, owned.get(p))) ? "update" : "conflict";
}

/** An owned file may be replaced when it is what synth wrote, or still carries the generated header. */
function isOurs(p: string, current: string, hash: string | undefined): boolean {
  return (hash !== undefined && contentHash(current) === hash) || looksGenerated(p, current);
}

/**
 * Rolls back a transaction that a killed synth left behind, restoring every file it had replaced
 * or deleted and removing the ones it had created.
 * @returns the number of files restored or removed (0 when there was nothing to do)
 * @throws SynthBusyError when a running synth holds the transaction
 * @throws UnsafePathError when the transaction folder or its journal cannot be trusted
 */
export function recover(root: string): number {
  const guard = new PathGuard(root);
  let count = 0;
  const lock = acquire(guard, () => {
    count = rollBackInterrupted(guard);
  });
  release(guard, lock);
  return count;
}

function rollBackInterrupted(guard: PathGuard): number {
  guard.reset();
  const ops = readJournal(guard);
  if (ops === undefined) return 0;
  const { count, touched } = rollBack(guard, ops);
  removeEmptyFolders(guard, touched);
  return count;
}

/** Removes the folders left empty above `files`, deepest first, stopping at an output root. Linear. */
function removeEmptyFolders(guard: PathGuard, files: readonly string[]): void {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.split("/");
    for (let i = parts.length - 1; i >= 2; i--) dirs.add(parts.slice(0, i).join("/"));
  }
  const deepestFirst = [...dirs].sort((a, b) => b.split("/").length - a.split("/").length || compareStrings(a, b));
  for (const d of deepestFirst) {
    try {
      fs.rmdirSync(guard.abs(d));
    } catch {
      // not empty (or already gone): keep it
    }
  }
  guard.reset();
}

/**
 * Writes `files` under `root` as one transaction (see the module comment).
 * @throws HandWrittenFileError before writing anything when a rendered file would replace a file
 *   synth does not own
 * @throws UnsafePathError before writing anything when a path leads through a link
 * @throws SynthBusyError when another synth is writing the project
 */
export function writeFiles(root: string, files: FileMap, hooks: WriteHooks = {}): Plan {
  const txn = new WriteTransaction(root, hooks);
  try {
    txn.offer(files);
  } catch (e) {
    txn.abort();
    throw e;
  }
  return txn.commit(files);
}

/** Writes the staged files of a transaction; `finish` waits for all of them. */
interface Stager {
  stage(abs: string, text: string): void;
  /** Waits until every staged file is written. @throws the first write error */
  finish(): void;
}

/** Stages on the calling thread (used when a test hook must run after each staged file). */
class SyncStager implements Stager {
  stage(abs: string, text: string): void {
    fs.writeFileSync(abs, text);
  }
  finish(): void {}
}

/**
 * The worker's code: writes each `[path, text]` it is sent; on `null` it reports the first error (or none)
 * on `port`, then raises the shared flag. Plain CommonJS, so it runs from a string (no file beside a bundle).
 */
const STAGER_CODE = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
let failure = null;
parentPort.on("message", (m) => {
  if (m !== null) {
    if (failure === null) {
      try { fs.writeFileSync(m[0], m[1]); } catch (e) { failure = { message: String(e && e.message), code: e && e.code }; }
    }
    return;
  }
  workerData.port.postMessage(failure);
  Atomics.store(workerData.flag, 0, 1);
  Atomics.notify(workerData.flag, 0);
});
`;

/** How many files are staged on the calling thread before the rest go to a worker. */
const SYNC_STAGED_FILES = 64;

/** The longest synth waits for its staging thread: 10 minutes (a write that slow means the disk is failing). */
const STAGER_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Stages on a worker thread, so the render goes on (checks, nix, the lab's page) while the kernel writes: on
 * the 1,000-app bench lab writing 1,300 files costs as much system time as the checks take. Nothing is
 * renamed into place before {@link finish} returns: the transaction's order is unchanged.
 */
class WorkerStager implements Stager {
  private worker: Worker | undefined;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private port: MessagePort | undefined;
  private count = 0;

  stage(abs: string, text: string): void {
    // A small write is done before a thread would have started (starting one costs ~40 ms of CPU).
    if (this.count++ < SYNC_STAGED_FILES) {
      fs.writeFileSync(abs, text);
      return;
    }
    if (this.worker === undefined) {
      const { port1, port2 } = new MessageChannel();
      this.port = port1;
      this.worker = new Worker(STAGER_CODE, {
        eval: true,
        workerData: { flag: this.flag, port: port2 },
        transferList: [port2],
      });
      this.worker.unref();
    }
    this.worker.postMessage([abs, text]);
  }

  finish(): void {
    const worker = this.worker;
    if (worker === undefined) return;
    this.worker = undefined;
    worker.postMessage(null);
    const waited = Atomics.wait(this.flag, 0, 0, STAGER_TIMEOUT_MS);
    const reply = receiveMessageOnPort(this.port!);
    this.port!.close();
    void worker.terminate();
    if (waited === "timed-out") throw new Error("synth's staging thread did not finish writing within 10 minutes");
    const failure = reply?.message as { message: string; code?: string } | null | undefined;
    if (failure) throw Object.assign(new Error(failure.message), failure.code ? { code: failure.code } : {});
  }
}

/**
 * One write transaction, for a render that hands over its files as they are made ({@link offer}) and then
 * commits them all ({@link commit}). The lock is taken when the transaction begins; new and changed files are
 * staged at once (on a worker thread), so that writing overlaps the rest of the render. Nothing outside
 * `.synth-txn/` changes before {@link commit}; {@link abort} leaves the tree as it was.
 */
export class WriteTransaction {
  private readonly guard: PathGuard;
  private readonly lock: Lock;
  private readonly owned: Map<string, string | undefined>;
  private readonly offered = new Map<string, string>();
  private readonly kinds = new Map<string, "create" | "update" | "unchanged" | "conflict">();
  private readonly unsafe: { path: string; problem: string }[] = [];
  private readonly staged = new Map<string, number>();
  private readonly stager: Stager;
  private stageDir: string | undefined;
  private open = true;
  private released = false;

  /**
   * Takes the project's lock (rolling back a killed run first).
   * @throws SynthBusyError when another synth is writing the project
   * @throws UnsafePathError when the transaction folder cannot be trusted
   */
  constructor(
    root: string,
    private readonly hooks: WriteHooks = {},
  ) {
    this.guard = new PathGuard(root);
    const txnProblem = this.guard.dirProblem(TXN_DIR);
    if (txnProblem !== undefined) throw new UnsafePathError([txnProblem]);
    this.lock = acquire(this.guard, () => void rollBackInterrupted(this.guard));
    try {
      this.guard.reset();
      this.owned = readOwned(this.guard);
    } catch (e) {
      release(this.guard, this.lock);
      throw e;
    }
    // A test hook after each staged file needs the files staged one by one on this thread.
    this.stager = hooks.afterStage === undefined ? new WorkerStager() : new SyncStager();
  }

  /** Takes rendered files (any order, any number of calls): compares each with the disk and stages it if it changes. */
  offer(files: Iterable<readonly [string, string]>): void {
    if (!this.open) throw new Error("the write transaction is closed");
    for (const [p, text] of files) {
      const before = this.offered.get(p);
      if (before !== undefined) {
        if (before !== text) throw new Error(`${p} was rendered twice with different texts`);
        continue;
      }
      this.offered.set(p, text);
      const problem = this.guard.fileProblem(p);
      if (problem !== undefined) {
        this.unsafe.push({ path: p, problem });
        continue;
      }
      const current = this.guard.read(p, MAX_OUTPUT_BYTES);
      const kind = fileKind(p, current, text, this.owned);
      this.kinds.set(p, kind);
      if (kind === "create" || kind === "update") this.stage(p, text);
    }
  }

  private stage(p: string, text: string): void {
    const index = this.staged.size;
    const staged = this.guard.abs(stagePath(index));
    if (this.stageDir === undefined) {
      this.stageDir = path.dirname(staged);
      fs.mkdirSync(this.stageDir, { recursive: true });
    }
    this.stager.stage(staged, text);
    this.staged.set(p, index);
    this.hooks.afterStage?.(index, p);
  }

  /**
   * Writes the transaction: `files` must be everything the render made (what was offered, and the rest).
   * @throws HandWrittenFileError, UnsafePathError (nothing written; the lock is released)
   */
  commit(files: FileMap): Plan {
    try {
      this.offer(files);
      for (const p of this.offered.keys()) {
        if (!files.has(p)) throw new Error(`${p} was rendered but is not among the files to write`);
      }
      this.open = false;
      const plan = this.plan(files);
      this.stager.finish();
      if (plan.unsafe.length > 0) throw new UnsafePathError(plan.unsafe);
      if (plan.conflicts.length > 0) throw new HandWrittenFileError(plan.conflicts);
      const writes = [...plan.create, ...plan.update];
      if (writes.length > 0 || plan.remove.length > 0) this.transact(files, plan, writes);
      return plan;
    } finally {
      this.close();
    }
  }

  /** Gives up: waits for the staging thread and releases the lock; the tree is as it was. */
  abort(): void {
    this.close();
  }

  private close(): void {
    this.open = false;
    if (this.released) return;
    this.released = true;
    try {
      this.stager.finish();
    } catch {
      // the staged files are removed with the transaction folder
    } finally {
      release(this.guard, this.lock);
    }
  }

  /** What planWrite would say for `files`, from what {@link offer} found. */
  private plan(files: FileMap): Plan {
    const of = (kind: string) =>
      [...this.kinds]
        .filter(([, k]) => k === kind)
        .map(([p]) => p)
        .sort(compareStrings);
    const unsafe = [...this.unsafe].sort((a, b) => compareStrings(a.path, b.path)).map((u) => u.problem);
    const { remove, kept } = planRemovals(this.guard, this.owned, files, unsafe);
    return {
      create: of("create"),
      update: of("update"),
      remove,
      unchanged: of("unchanged"),
      conflicts: of("conflict"),
      kept,
      unsafe,
    };
  }

  /** Steps 2 to 4 of the module comment: back up, journal, commit (the files are staged). */
  private transact(files: FileMap, plan: Plan, writes: readonly string[]): void {
    const guard = this.guard;
    const hooks = this.hooks;
    const ops: JournalOp[] = [];
    let journaled = false;
    // Each folder is made once (a thousand files share a few folders; mkdir is a system call each time).
    const made = new Set<string>();
    const mkdirOnce = (dir: string) => {
      if (made.has(dir)) return;
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    };
    try {
      // 2. back up what will be replaced or removed
      const updates = new Set(plan.update);
      for (const p of writes) {
        const hadOld = updates.has(p);
        if (hadOld) link(guard.abs(p), guard.abs(backupPath(p)), mkdirOnce);
        ops.push({ path: p, action: "write", hadOld, hash: contentHash(files.get(p)!) });
      }
      for (const p of plan.remove) {
        link(guard.abs(p), guard.abs(backupPath(p)), mkdirOnce);
        ops.push({ path: p, action: "delete", hadOld: true });
      }
      // 3. journal
      const journalTmp = guard.abs(`${TXN_DIR}/journal.tmp`);
      const fd = fs.openSync(journalTmp, "w");
      fs.writeSync(fd, JSON.stringify(ops));
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(journalTmp, guard.abs(`${TXN_DIR}/journal.json`));
      journaled = true;

      // 4. commit
      for (const [i, op] of ops.entries()) {
        hooks.beforeCommit?.(i, op.path);
        const target = guard.abs(op.path);
        if (op.action === "write") {
          mkdirOnce(path.dirname(target));
          fs.renameSync(guard.abs(stagePath(this.staged.get(op.path)!)), target);
        } else {
          fs.unlinkSync(target);
        }
      }
      removeEmptyFolders(guard, plan.remove);
      hooks.beforeCleanup?.();
    } catch (e) {
      // A failure (disk full, a folder where a file should go, ...) rolls everything back at once.
      if (journaled) {
        guard.reset();
        const { touched } = rollBack(guard, ops);
        removeEmptyFolders(guard, touched);
      }
      throw e;
    }
  }
}

function link(from: string, to: string, mkdir: (dir: string) => void): void {
  mkdir(path.dirname(to));
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}
