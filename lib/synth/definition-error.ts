/**
 * A mistake that throws while the user's Kubernetes definitions run, before any construct can
 * report it: `Size.gibibytes(-1)` (cdk8s refuses negative sizes), two constructs with one id,
 * `app.homelab.loadBalancerIp("typo")`. Synth reports it as a message with the line of the
 * user's code it came from, not as a crash with a stack trace.
 *
 * Only errors that mean "this input is wrong" are taken: a plain `Error` (what cdk8s, constructs
 * and this library throw on purpose), anything that is not an Error, and any error thrown by the
 * user's own code. A TypeError or RangeError raised inside this library or a dependency is a bug
 * that no input should reach: it stays a crash, so the tests see it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** This library's own folder (lib/ in the repository, build/pkg/lib in the package). */
const LIB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Thrown by render when the user's Kubernetes definitions throw a mistake. */
export class DefinitionError extends Error {
  /** The problem as one line, the way the other errors list theirs. */
  readonly problems: readonly string[];
  constructor(
    /** `file:line:column` of the user's code that led to it, relative to the working folder. */
    readonly where: string | undefined,
    /** What the thrown error said. */
    readonly reason: string,
  ) {
    super(
      "the Kubernetes definitions stopped with an error; nothing was written:\n" +
        `  ${where === undefined ? "" : `${where}: `}${reason}\n` +
        "  Fix the value given at that line (the message names it), then run synth again.",
    );
    this.problems = [`${where === undefined ? "" : `${where}: `}${reason}`];
    this.name = "DefinitionError";
  }
}

/** The file of a stack frame line (`    at f (file:///x/y.ts:1:2)` or `    at /x/y.ts:1:2`). */
function frameLocation(line: string): { file: string; at: string } | undefined {
  const m = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
  if (m === null) return undefined;
  let file = m[1]!;
  if (file.startsWith("file://")) {
    try {
      file = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  return { file, at: `${m[2]}:${m[3]}` };
}

/** True when the working folder is this library's own repository (its example lab runs from there). */
const IN_OWN_REPOSITORY = (): boolean => fs.existsSync(path.resolve("lib/synth/definition-error.ts"));

function isOurs(file: string): boolean {
  return (
    file.startsWith(LIB_ROOT + path.sep) ||
    file.includes(`${path.sep}node_modules${path.sep}`) ||
    file.startsWith("node_modules/") ||
    // A module path from a bundle's comments: this library's sources, when the bundle was made in its own repository.
    ((file.startsWith("lib/") || file.startsWith("build/pkg/")) && IN_OWN_REPOSITORY())
  );
}

/**
 * The source file of a line of the CLI's bundle (bin/cdk8s-homelab.mjs bundles the lab with esbuild,
 * which heads each module's code with a `// <path>` comment), or the frame's own file otherwise.
 */
function sourceOf(
  frame: { file: string; at: string },
  bundles: Map<string, string[] | null>,
): { file: string; at: string } {
  if (!/[\\/](?:bundle|[^\\/]+-[0-9a-f]{16})\.mjs$/.test(frame.file)) return frame;
  if (!bundles.has(frame.file)) {
    try {
      bundles.set(frame.file, fs.readFileSync(frame.file, "utf8").split("\n"));
    } catch {
      bundles.set(frame.file, null);
    }
  }
  const lines = bundles.get(frame.file);
  const line = Number(frame.at.split(":")[0]);
  if (lines === null || lines === undefined) return frame;
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const m = /^\/\/ ((?:[\w@.-]+\/)*[\w@.-]+\.[cm]?[jt]sx?)$/.exec(lines[i]!);
    if (m !== null) return { file: m[1]!, at: "" };
  }
  return frame;
}

/**
 * The thrown value as a {@link DefinitionError} when it is a mistake in the input, or undefined
 * when it is a bug (to be rethrown as it is).
 */
export function asDefinitionError(e: unknown): DefinitionError | undefined {
  if (!(e instanceof Error)) return new DefinitionError(undefined, `threw ${String(e)}, not an Error`);
  const bundles = new Map<string, string[] | null>();
  const frames = (e.stack ?? "")
    .split("\n")
    .map(frameLocation)
    .filter((f): f is { file: string; at: string } => f !== undefined && !f.file.startsWith("node:"))
    .map((f) => sourceOf(f, bundles));
  const top = frames[0];
  const user = frames.find((f) => !isOurs(f.file));
  const plain = e.constructor === Error;
  if (!plain && (top === undefined || isOurs(top.file))) return undefined;
  const file = path.isAbsolute(user?.file ?? "") ? path.relative(process.cwd(), user!.file) : user?.file;
  const where = user === undefined ? undefined : user.at === "" ? file : `${file}:${user.at}`;
  return new DefinitionError(where, e.message.split("\n")[0]!.slice(0, 500));
}
