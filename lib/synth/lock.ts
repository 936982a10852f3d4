/**
 * One synth at a time per project, and a trustworthy way to tell an
 * interrupted run from a running one or from a folder someone committed.
 *
 * The transaction folder `.synth-txn/` is the lock. It is created atomically
 * with its owner inside: the owner file is written into a fresh private folder,
 * which is then renamed to `.synth-txn` (the rename fails when the folder
 * exists). So `.synth-txn/` never exists without `owner.json`. The owner names
 * the process by pid, host, boot id and the process's start time, so a reused
 * pid is not mistaken for the run that died. Finishing renames the folder away
 * before deleting it.
 *
 * A dead owner's folder is rolled back by exactly one process: it claims the
 * folder by creating `recovery.json` in it with O_EXCL, then re-reads the owner
 * to make sure the folder is still the one it judged dead.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type PathGuard, UnsafePathError, readRegularFile } from "./trust.js";

/** Folder of an ongoing (or interrupted) transaction, relative to the project root. */
export const TXN_DIR = ".synth-txn";

/** Who holds (or held) the transaction folder. */
export interface Owner {
  /** Random id of this transaction. */
  readonly id: string;
  readonly pid: number;
  readonly host: string;
  /** The kernel's boot id (Linux), so a run from before a reboot counts as dead. */
  readonly boot: string;
  /** The process's start time in clock ticks since boot (Linux), so a reused pid is not taken for it. */
  readonly start: string;
}

/** Thrown when another synth is writing the project. Nothing was written. */
export class SynthBusyError extends Error {
  constructor(readonly owner: Owner) {
    super(
      `synth is busy: another synth (pid ${owner.pid} on ${owner.host}) is writing this project; nothing was ` +
        "written. Wait for it to finish and run synth again.",
    );
    this.name = "SynthBusyError";
  }
}

function readProc(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}

/** Field 22 of /proc/<pid>/stat (after the command name, which may hold spaces and parentheses). */
function startTime(pid: number): string {
  const stat = readProc(`/proc/${pid}/stat`);
  const close = stat.lastIndexOf(")");
  if (close < 0) return "";
  return stat.slice(close + 2).split(" ")[19] ?? "";
}

let self: Omit<Owner, "id"> | undefined;

/** This process as an owner (without the transaction id). */
export function selfOwner(): Omit<Owner, "id"> {
  self ??= {
    pid: process.pid,
    host: os.hostname(),
    boot: readProc("/proc/sys/kernel/random/boot_id"),
    start: startTime(process.pid),
  };
  return self;
}

/** Whether the owner still runs: "other-host" when it ran elsewhere (nothing can be told from here). */
export function ownerState(o: Owner): "alive" | "dead" | "other-host" {
  const me = selfOwner();
  if (o.host !== me.host) return "other-host";
  if (o.boot !== "" && me.boot !== "" && o.boot !== me.boot) return "dead";
  if (o.pid === me.pid && o.start === me.start) return "alive";
  if (o.start !== "" && me.start !== "") {
    const now = startTime(o.pid);
    return now !== "" && now === o.start ? "alive" : "dead";
  }
  try {
    process.kill(o.pid, 0);
    return "alive";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM" ? "alive" : "dead";
  }
}

function parseOwner(text: string): Owner | undefined {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (
      typeof o.id === "string" &&
      /^[0-9a-f]{32}$/.test(o.id) &&
      Number.isSafeInteger(o.pid) &&
      (o.pid as number) > 0 &&
      typeof o.host === "string" &&
      typeof o.boot === "string" &&
      typeof o.start === "string"
    ) {
      return { id: o.id, pid: o.pid as number, host: o.host, boot: o.boot, start: o.start };
    }
  } catch {
    // not JSON
  }
  return undefined;
}

/** Reads an owner file: the owner, "missing", or "invalid". */
function readOwnerFile(abs: string, shown: string): Owner | "missing" | "invalid" {
  let text: string;
  try {
    text = readRegularFile(abs, shown, 4096);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") {
      return "missing";
    }
    if (e instanceof UnsafePathError) return "invalid";
    throw e;
  }
  return parseOwner(text) ?? "invalid";
}

function isEmptyDir(abs: string): boolean {
  try {
    return fs.readdirSync(abs).length === 0;
  } catch {
    return false;
  }
}

/** True when git tracks anything under the transaction folder (it never should: it is ignored). */
function trackedByGit(root: string): boolean {
  const r = spawnSync("git", ["ls-files", "-z", "--", TXN_DIR], { cwd: root, encoding: "utf8" });
  return r.status === 0 && r.stdout.length > 0;
}

function refuse(why: string): UnsafePathError {
  return new UnsafePathError([
    `${TXN_DIR}/ ${why}; synth will not act on it. Look at what it holds, then delete it ` +
      `(rm -rf ${TXN_DIR}) and run synth again.`,
  ]);
}

/** A held lock: the transaction folder, owned by this process. */
export interface Lock {
  /** Absolute path of `.synth-txn/`. */
  readonly dir: string;
  readonly owner: Owner;
}

function newId(): string {
  return randomBytes(16).toString("hex");
}

/** Removes a transaction folder: renamed away first, so nobody sees it half deleted. */
function removeTxn(guard: PathGuard, dir: string): void {
  const gone = path.join(guard.root, `${TXN_DIR}-done-${process.pid}-${newId().slice(0, 8)}`);
  fs.renameSync(dir, gone);
  fs.rmSync(gone, { recursive: true, force: true });
}

/**
 * Takes the project's transaction lock. An interrupted transaction (its owner is dead) is handed to
 * `rollBack` first, by exactly one process, and removed.
 * @throws SynthBusyError when another synth holds it
 * @throws UnsafePathError when `.synth-txn` is a link or a file, is tracked by git, was left by
 *   another host, or is not a transaction folder this synth made
 */
export function acquire(guard: PathGuard, rollBack: (txnDir: string) => void): Lock {
  const dir = path.join(guard.root, TXN_DIR);
  const me = selfOwner();
  let ownerless = 0;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const st = (() => {
      try {
        return fs.lstatSync(dir);
      } catch {
        return undefined;
      }
    })();
    if (st !== undefined && !st.isDirectory()) {
      throw refuse(st.isSymbolicLink() ? "is a symbolic link" : "is not a folder");
    }
    const owner: Owner = { id: newId(), ...me };
    if (st === undefined) {
      ownerless = 0;
      const stage = fs.mkdtempSync(path.join(guard.root, `${TXN_DIR}-new-${process.pid}-`));
      fs.writeFileSync(path.join(stage, "owner.json"), `${JSON.stringify(owner)}\n`);
      try {
        fs.renameSync(stage, dir);
        return { dir, owner };
      } catch (e) {
        fs.rmSync(stage, { recursive: true, force: true });
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== "EEXIST" && code !== "ENOTEMPTY" && code !== "ENOTDIR" && code !== "EISDIR") throw e;
        continue; // someone else made it first: look at it
      }
    }
    // The folder exists: running, interrupted, or not ours.
    const held = readOwnerFile(path.join(dir, "owner.json"), `${TXN_DIR}/owner.json`);
    if (held === "missing" || held === "invalid") {
      // A synth's folder always holds its owner, but it can be renamed away and another made between
      // our look and our read (and inode numbers are reused, so they prove nothing): only a folder
      // seen without an owner many times in a row is not a synth's.
      if (++ownerless < 25) continue;
      if (held === "missing" && isEmptyDir(dir)) {
        try {
          fs.rmdirSync(dir); // an empty folder holds nothing
        } catch {
          // filled or removed meanwhile: look again
        }
        continue;
      }
      throw refuse(
        held === "missing" ? "has no owner.json, so no synth made it" : "has an owner.json synth did not write",
      );
    }
    ownerless = 0;
    const state = ownerState(held);
    if (state === "alive") throw new SynthBusyError(held);
    if (state === "other-host") {
      throw refuse(`was left by a synth on host ${held.host} (pid ${held.pid}); if that run is over`);
    }
    if (trackedByGit(guard.root)) throw refuse("is tracked by git (a transaction folder is never committed)");
    // Dead owner: claim the roll-back.
    const claim = path.join(dir, "recovery.json");
    const tmp = path.join(dir, `recovery-${owner.id}.tmp`);
    try {
      // Written first, then linked: the claim appears whole or not at all (link fails when it exists).
      fs.writeFileSync(tmp, `${JSON.stringify(owner)}\n`, { flag: "wx" });
      fs.linkSync(tmp, claim);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      fs.rmSync(tmp, { force: true });
      if (code === "ENOENT" || code === "ENOTDIR") continue; // finished or rolled back meanwhile
      if (code !== "EEXIST") throw e;
      const rec = readOwnerFile(claim, `${TXN_DIR}/recovery.json`);
      if (rec === "missing") continue;
      if (rec !== "invalid" && ownerState(rec) === "alive") throw new SynthBusyError(rec);
      // A roll-back that died: move its claim aside (only one process wins the rename) and start over.
      try {
        fs.renameSync(claim, path.join(dir, `recovery-stale-${newId().slice(0, 8)}.json`));
      } catch {
        // someone else moved it
      }
      continue;
    }
    fs.rmSync(tmp, { force: true });
    const again = readOwnerFile(path.join(dir, "owner.json"), `${TXN_DIR}/owner.json`);
    const mine = readOwnerFile(claim, `${TXN_DIR}/recovery.json`);
    if (typeof again !== "object" || again.id !== held.id || typeof mine !== "object" || mine.id !== owner.id) {
      try {
        if (typeof mine === "object" && mine.id === owner.id) fs.unlinkSync(claim);
      } catch {
        // gone with its folder
      }
      continue;
    }
    try {
      rollBack(dir);
    } catch (e) {
      fs.rmSync(claim, { force: true }); // refused: leave the folder exactly as it was found
      throw e;
    }
    removeTxn(guard, dir);
  }
  throw new Error(`could not take ${TXN_DIR}/ after 1000 attempts; is something recreating it?`);
}

/** Releases the lock: the transaction folder is removed. */
export function release(guard: PathGuard, lock: Lock): void {
  removeTxn(guard, lock.dir);
  // Leftovers of runs killed while they made or removed their folder (named with their pid).
  for (const name of fs.readdirSync(guard.root)) {
    const m = /^\.synth-txn-(?:new|done)-(\d+)-/.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive) fs.rmSync(path.join(guard.root, name), { recursive: true, force: true });
  }
}
