/**
 * The lab's own configuration: the `"cdk8s-homelab"` field of its package.json.
 * ```json
 * { "cdk8s-homelab": { "entry": "apps/lab.ts" } }
 * ```
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The `"cdk8s-homelab"` field of a lab's package.json. */
export interface LabConfig {
  /**
   * The lab's entry module (relative to the folder of package.json); its default export is the lab's
   * definition (`defineLab({...})`).
   * @default "apps/lab.ts"
   */
  readonly entry?: string;
}

/** The entry when package.json names none. */
export const DEFAULT_ENTRY = "apps/lab.ts";

/** A lab found on disk. */
export interface LabLocation {
  /** The folder of the lab's package.json: dist/, nix/ and the manifest go below it. */
  readonly root: string;
  /** The entry, relative to {@link root}, with "/" separators. */
  readonly entry: string;
  /** Whether the entry was named in package.json (rather than the default). */
  readonly configured: boolean;
}

/** A lab that cannot be found or configured; the message says what to do. */
export class LabConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabConfigError";
  }
}

/** Finds the lab around `cwd`: the nearest package.json upwards, and its entry. */
export function findLab(cwd: string): LabLocation {
  return readLab(findRoot(cwd));
}

/** The nearest folder with a package.json, from `cwd` upwards. */
export function findRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) {
      throw new LabConfigError(
        `no lab here: there is no package.json in ${cwd} or above it. Run this inside a lab, ` +
          "or start one with `cdk8s-homelab init DIR`.",
      );
    }
    dir = up;
  }
}

/** Reads `root/package.json`'s `"cdk8s-homelab"` field and checks that the entry exists. */
export function readLab(root: string): LabLocation {
  const file = path.join(root, "package.json");
  let pkg: unknown;
  try {
    pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new LabConfigError(`${file} is not valid JSON (${e instanceof Error ? e.message : String(e)}). Fix it.`);
  }
  const field = (pkg as Record<string, unknown> | null)?.["cdk8s-homelab"];
  let entry = DEFAULT_ENTRY;
  let configured = false;
  if (field !== undefined) {
    const value = (field as Record<string, unknown> | null)?.["entry"];
    if (
      typeof field !== "object" ||
      field === null ||
      Array.isArray(field) ||
      (value !== undefined && typeof value !== "string")
    ) {
      throw new LabConfigError(
        `package.json: "cdk8s-homelab" must be an object like { "entry": "${DEFAULT_ENTRY}" }. Fix it or remove it.`,
      );
    }
    if (typeof value === "string") {
      entry = value;
      configured = true;
    }
  }
  const where = configured
    ? `package.json's "cdk8s-homelab".entry is "${entry}"`
    : `package.json names no "cdk8s-homelab".entry, so the default is ${DEFAULT_ENTRY}`;
  if (!fs.existsSync(path.join(root, entry))) {
    throw new LabConfigError(
      `the lab's entry ${entry} does not exist in ${root} (${where}). Create it (a module whose default export is ` +
        `defineLab({...})), or point package.json's "cdk8s-homelab": { "entry": "..." } at yours.`,
    );
  }
  return { root, entry: entry.split(path.sep).join("/"), configured };
}
