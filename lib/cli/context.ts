/** What every command gets: where the lab is, how to write, and whether to colour. */
import pc from "picocolors";
import type { Lab } from "./lab.js";

/** A lab loaded by the launcher (bin/cdk8s-homelab.mjs): its root, entry and definition. */
export interface LoadedLab {
  /** The folder of the lab's package.json. */
  readonly root: string;
  /** The entry module, relative to {@link root}. */
  readonly entry: string;
  /** The entry's default export. */
  readonly definition: Lab;
}

/** The environment of one CLI run. */
export interface CliContext {
  /** Working directory: `init DIR` resolves DIR against it. */
  readonly cwd: string;
  /**
   * The lab, for the commands that need one (synth, check, diff, graph, import-vars).
   * @default undefined - no lab loaded (init, --help, --version)
   */
  readonly lab?: LoadedLab;
  /** The package's version, for `--version`. */
  readonly version: string;
  /** @default process.stdout.write */
  readonly out?: (text: string) => void;
  /** @default process.stderr.write */
  readonly err?: (text: string) => void;
  /**
   * Colour the output. The launcher sets it when stdout is a terminal and `NO_COLOR` is unset or empty.
   * @default false
   */
  readonly color?: boolean;
  /**
   * Environment variables (`CDK8S_OUTDIR` when the cdk8s CLI runs the lab).
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The context with its defaults filled in. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly c: ReturnType<typeof pc.createColors>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Fills in the defaults of a context. */
export function io(ctx: CliContext): Io {
  return {
    out: ctx.out ?? ((t: string) => void process.stdout.write(t)),
    err: ctx.err ?? ((t: string) => void process.stderr.write(t)),
    c: pc.createColors(ctx.color ?? false),
    env: ctx.env ?? process.env,
  };
}

/** Colour on a terminal unless NO_COLOR is set to something (https://no-color.org). */
export function wantsColor(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  return isTTY === true && (env["NO_COLOR"] === undefined || env["NO_COLOR"] === "");
}
