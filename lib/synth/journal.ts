/**
 * The transaction journal: what a synth is about to change, written before it
 * changes anything, so that the next run can roll an interrupted one back.
 * A journal is read from disk only after the lock (lock.ts) says its owner is
 * dead, and even then it is validated before one file is touched: its shape,
 * every path clean and inside the output folders, every target and backup a
 * regular file reached through real folders only.
 */
import * as fs from "node:fs";
import { MANIFEST_PATH, contentHash, pathProblem } from "./files.js";
import { TXN_DIR } from "./lock.js";
import { type PathGuard, UnsafePathError } from "./trust.js";

/** One step of a transaction. */
export interface JournalOp {
  /** The file, relative to the project root. */
  readonly path: string;
  readonly action: "write" | "delete";
  /** True when the file's previous version was backed up under `.synth-txn/old/`. */
  readonly hadOld: boolean;
  /** For a write: SHA-256 of the new text, so a roll-back only removes what synth itself put there. */
  readonly hash?: string;
}

/** The largest journal synth reads back: 64 MiB (about half a million files). */
const MAX_JOURNAL_BYTES = 64 * 1024 * 1024;

/** Where the previous version of `p` is kept during a transaction (project-relative). */
export function backupPath(p: string): string {
  return `${TXN_DIR}/old/${p}`;
}

/**
 * Where the `index`-th new file of a transaction is staged (project-relative): one flat folder, so that
 * staging makes no folders (a lab of 300 hosts has 300 under nix/hosts/). Only the transaction itself
 * reads it; a roll-back never does, so the layout may change between versions.
 */
export function stagePath(index: number): string {
  return `${TXN_DIR}/new/${index}`;
}

/**
 * Parses and validates a journal's text.
 * @returns the operations, or the problems that make it untrustworthy
 */
export function parseJournal(text: string, guard: PathGuard): JournalOp[] | string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return ["the journal is not JSON"];
  }
  if (!Array.isArray(parsed)) return ["the journal is not a list of operations"];
  const problems: string[] = [];
  const seen = new Set<string>();
  const ops: JournalOp[] = [];
  for (const [i, raw] of parsed.entries()) {
    const at = `operation ${i}`;
    if (raw === null || typeof raw !== "object") {
      problems.push(`${at} is not an object`);
      continue;
    }
    const o = raw as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => !["path", "action", "hadOld", "hash"].includes(k));
    if (keys.length > 0) problems.push(`${at} has unknown fields ${keys.join(", ")}`);
    if (typeof o.path !== "string") {
      problems.push(`${at} has no path`);
      continue;
    }
    const pp = pathProblem(o.path);
    if (pp !== undefined) problems.push(`${at}: ${pp}`);
    else {
      if (seen.has(o.path)) problems.push(`${at}: ${o.path} appears twice`);
      seen.add(o.path);
      const target = guard.fileProblem(o.path);
      if (target !== undefined) problems.push(`${at}: ${target}`);
      const backup = guard.fileProblem(backupPath(o.path));
      if (backup !== undefined) problems.push(`${at}: ${backup}`);
    }
    if (o.action !== "write" && o.action !== "delete") problems.push(`${at}: action must be "write" or "delete"`);
    if (typeof o.hadOld !== "boolean") problems.push(`${at}: hadOld must be true or false`);
    if (o.action === "delete" && o.hadOld !== true) problems.push(`${at}: a delete always has a backup`);
    if (o.action === "write" && (typeof o.hash !== "string" || !/^[0-9a-f]{64}$/.test(o.hash))) {
      problems.push(`${at}: a write needs the SHA-256 of what it wrote`);
    }
    if (o.path === MANIFEST_PATH && o.action === "delete") problems.push(`${at}: the manifest is never deleted`);
    ops.push(o as unknown as JournalOp);
  }
  return problems.length > 0 ? problems : ops;
}

/** Reads and validates the journal of the transaction folder, if there is one. */
export function readJournal(guard: PathGuard): JournalOp[] | undefined {
  const rel = `${TXN_DIR}/journal.json`;
  const text = guard.read(rel, MAX_JOURNAL_BYTES);
  if (text === undefined) return undefined; // killed before the journal: nothing was committed
  const result = parseJournal(text, guard);
  if (result.length > 0 && typeof result[0] === "string") {
    throw new UnsafePathError([
      `${rel} is not a journal synth can trust, so it was not rolled back and nothing was touched:\n` +
        (result as string[]).map((p) => `    ${p}`).join("\n") +
        `\n  Look at ${TXN_DIR}/, then delete it (rm -rf ${TXN_DIR}) and run synth again.`,
    ]);
  }
  return result as JournalOp[];
}

/**
 * Rolls the tree back: every replaced or deleted file comes back from its backup, every created
 * file is removed if it still holds what synth wrote.
 * @returns the number of files restored or removed, and the folders that may now be empty
 */
export function rollBack(guard: PathGuard, ops: readonly JournalOp[]): { count: number; touched: string[] } {
  let count = 0;
  const touched: string[] = [];
  for (const op of ops) {
    const target = guard.abs(op.path);
    if (op.hadOld) {
      if (guard.isFile(backupPath(op.path))) {
        fs.mkdirSync(guard.abs(op.path.split("/").slice(0, -1).join("/")), { recursive: true });
        fs.renameSync(guard.abs(backupPath(op.path)), target);
        count++;
      }
    } else if (guard.isFile(op.path)) {
      if (contentHash(fs.readFileSync(target)) === op.hash) {
        fs.unlinkSync(target);
        touched.push(op.path);
        count++;
      }
    }
  }
  guard.reset();
  return { count, touched };
}
