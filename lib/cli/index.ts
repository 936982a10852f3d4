/**
 * `cdk8s-homelab/cli`: the command line as a library. bin/cdk8s-homelab.mjs runs {@link runEntry} on a
 * bundle of the lab's entry; a lab's apps/main.ts (what `cdk8s synth` runs) calls {@link runLab}.
 *
 * This is the package's public API for the command line: the commands, the lab's configuration and the
 * other modules of lib/cli are internal. `defineLab` comes from the package root, `cdk8s-homelab`.
 *
 * @module
 */
import * as path from "node:path";
import { LabConfigError, findRoot } from "./config.js";
import { io, wantsColor, type CliContext } from "./context.js";
import type { Lab } from "./lab.js";
import { main } from "./main.js";

export { main } from "./main.js";
export type { CliContext, LoadedLab } from "./context.js";

/** What the launcher knows when it runs a bundled entry. */
export interface EntryContext extends Omit<CliContext, "lab"> {
  /** The lab's root. */
  readonly root: string;
  /** The entry, relative to the root. */
  readonly entry: string;
  /** The entry module's namespace (its default export is the lab). */
  readonly module: Readonly<Record<string, unknown>>;
}

/** Checks that the entry's default export is a lab (`defineLab({...})`) and runs the CLI on it. */
export async function runEntry(argv: readonly string[], ctx: EntryContext): Promise<number> {
  const { root, entry, module, ...rest } = ctx;
  const lab = module["default"];
  if (typeof lab !== "object" || lab === null || !("spec" in lab || "specFile" in lab)) {
    io(rest).err(
      `cdk8s-homelab: ${entry} has no lab as its default export. End it with ` +
        '`export default defineLab({ spec, kubernetes })` or `defineLab({ specFile: "apps/homelab.yaml", ' +
        'kubernetes })` (defineLab comes from "cdk8s-homelab").\n',
    );
    return 1;
  }
  return main(argv, { ...rest, lab: { root, entry, definition: lab as Lab } });
}

/** Options of {@link runLab}. */
export interface RunLabOptions {
  /**
   * The lab's root (where its package.json is).
   * @default the nearest folder with a package.json, from the working directory up
   */
  readonly root?: string;
  /** @default the version in the package's package.json is not known here: "unknown" */
  readonly version?: string;
}

/**
 * Runs the CLI on a lab definition already imported, e.g. in apps/main.ts, which `cdk8s synth` runs:
 * ```ts
 * import { runLab } from "cdk8s-homelab/cli";
 * import lab from "./lab.js";
 * process.exitCode = await runLab(lab, ["synth", ...process.argv.slice(2)]);
 * ```
 */
export async function runLab(lab: Lab, argv: readonly string[], options: RunLabOptions = {}): Promise<number> {
  let root = options.root;
  if (root === undefined) {
    try {
      root = findRoot(process.cwd());
    } catch (e) {
      if (!(e instanceof LabConfigError)) throw e;
      root = process.cwd();
    }
  }
  const entry = path.relative(root, process.argv[1] ?? "") || "the lab";
  return main(argv, {
    cwd: process.cwd(),
    version: options.version ?? "unknown",
    color: wantsColor(process.stdout.isTTY, process.env),
    lab: { root, entry, definition: lab },
  });
}
