/**
 * The writer's trust boundary. Synth runs on checkouts it did not make: a
 * pulled branch may hold a symlink where `dist/apps` should be, a crafted
 * manifest or a committed transaction folder. Every path synth writes, renames,
 * deletes or reads from its own state goes through {@link PathGuard}: it must
 * be a clean relative path, and every component from the project root down is
 * checked with `lstat`, so a symbolic link anywhere on the way is refused with
 * a message naming it, before anything is written.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Thrown when synth meets paths it will not act on. Nothing was written or deleted. */
export class UnsafePathError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `synth will not write through ${problems.length === 1 ? "this path" : `these ${problems.length} paths`}; ` +
        `nothing was written or deleted:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    );
    this.name = "UnsafePathError";
  }
}

/** The largest file synth reads from the project (SOPS files, its manifest, its journal): 4 MiB. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

type Entry = { kind: "absent" } | { kind: "dir" } | { kind: "file"; size: number } | { kind: "bad"; problem: string };

/**
 * Checks paths below one project root, component by component with `lstat`. Results are cached
 * per component, so checking every file of a large tree stats each folder once.
 */
export class PathGuard {
  /** The project root's real path (symlinks above the project are the user's business). */
  readonly root: string;
  private readonly cache = new Map<string, Entry>();

  constructor(root: string) {
    this.root = fs.realpathSync(root);
  }

  /** The absolute path of a project-relative, `/`-separated path. */
  abs(rel: string): string {
    return path.sep === "/" ? `${this.root}/${rel}` : path.join(this.root, ...rel.split("/"));
  }

  private entry(rel: string): Entry {
    const hit = this.cache.get(rel);
    if (hit !== undefined) return hit;
    let e: Entry;
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(this.abs(rel), { throwIfNoEntry: false });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOTDIR") throw err;
      st = undefined;
      e = { kind: "bad", problem: `${rel}: a component of it is a file, not a folder` };
    }
    if (st === undefined) e ??= { kind: "absent" };
    else if (st.isSymbolicLink()) {
      let to = "?";
      try {
        to = fs.readlinkSync(this.abs(rel));
      } catch {
        // keep "?"
      }
      e = {
        kind: "bad",
        problem:
          `${rel} is a symbolic link (to ${to}); synth only writes and deletes inside real folders of the ` +
          "project. Replace the link with a folder or file of its own and run synth again.",
      };
    } else if (st.isDirectory()) e = { kind: "dir" };
    else if (st.isFile()) e = { kind: "file", size: st.size };
    else e = { kind: "bad", problem: `${rel} is not a regular file or folder (a device, socket or FIFO); remove it` };
    this.cache.set(rel, e);
    return e;
  }

  /** Forgets what was seen (after the tree changed). */
  reset(): void {
    this.cache.clear();
  }

  /**
   * Says why `rel` cannot be written, replaced or deleted as a regular file, or undefined when it can:
   * every folder on the way is a real folder or absent, and `rel` itself is absent or a regular file.
   */
  fileProblem(rel: string): string | undefined {
    const segments = rel.split("/");
    if (rel === "" || rel.startsWith("/") || segments.some((s) => s === "" || s === "." || s === "..")) {
      return `"${rel}" is not a clean path inside the project`;
    }
    for (let i = 1; i < segments.length; i++) {
      const dir = segments.slice(0, i).join("/");
      const e = this.entry(dir);
      if (e.kind === "absent") return undefined;
      if (e.kind === "bad") return e.problem;
      if (e.kind === "file") return `${dir} is a file where synth needs a folder (for ${rel}); move it away`;
    }
    const e = this.entry(rel);
    if (e.kind === "bad") return e.problem;
    if (e.kind === "dir") return `${rel} is a folder where synth writes a file; move it away`;
    return undefined;
  }

  /** Like {@link fileProblem} for a folder synth creates or enters: it must be absent or a real folder. */
  dirProblem(rel: string): string | undefined {
    const segments = rel.split("/");
    for (let i = 1; i <= segments.length; i++) {
      const dir = segments.slice(0, i).join("/");
      const e = this.entry(dir);
      if (e.kind === "absent") return undefined;
      if (e.kind === "bad") return e.problem;
      if (e.kind === "file") return `${dir} is a file where synth needs a folder; move it away`;
    }
    return undefined;
  }

  /** True when `rel` is a regular file (after {@link fileProblem} found nothing wrong). */
  isFile(rel: string): boolean {
    return this.fileProblem(rel) === undefined && this.entry(rel).kind === "file";
  }

  /**
   * Reads `rel` as UTF-8 text, or returns undefined when it does not exist.
   * @throws UnsafePathError when it is a link, not a regular file, or larger than `maxBytes`
   */
  read(rel: string, maxBytes = MAX_INPUT_BYTES): string | undefined {
    const problem = this.fileProblem(rel);
    if (problem !== undefined) throw new UnsafePathError([problem]);
    if (this.entry(rel).kind === "absent") return undefined;
    return readRegularFile(this.abs(rel), rel, maxBytes);
  }
}

/**
 * Reads a regular file without following a link at its last component and without blocking on a
 * FIFO, refusing anything over `maxBytes`.
 * @param shown how to name the file in messages
 * @throws UnsafePathError when the file is a link, not regular, or too large
 */
export function readRegularFile(abs: string, shown: string, maxBytes = MAX_INPUT_BYTES): string {
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ELOOP") {
      throw new UnsafePathError([`${shown} is a symbolic link; synth reads only regular files of the project`]);
    }
    throw e;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new UnsafePathError([`${shown} is not a regular file; synth reads only regular files`]);
    if (st.size > maxBytes) {
      throw new UnsafePathError([
        `${shown} is ${st.size} bytes, over synth's limit of ${maxBytes} bytes for a file it reads; ` +
          "is it the right file?",
      ]);
    }
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = fs.readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}
