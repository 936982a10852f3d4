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

function isOurs(file: string): boolean {
  return file.startsWith(LIB_ROOT + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`);
}

/**
 * The thrown value as a {@link DefinitionError} when it is a mistake in the input, or undefined
 * when it is a bug (to be rethrown as it is).
 */
export function asDefinitionError(e: unknown): DefinitionError | undefined {
  if (!(e instanceof Error)) return new DefinitionError(undefined, `threw ${String(e)}, not an Error`);
  const frames = (e.stack ?? "")
    .split("\n")
    .map(frameLocation)
    .filter((f): f is { file: string; at: string } => f !== undefined && !f.file.startsWith("node:"));
  const top = frames[0];
  const user = frames.find((f) => !isOurs(f.file));
  const plain = e.constructor === Error;
  if (!plain && (top === undefined || isOurs(top.file))) return undefined;
  const where = user === undefined ? undefined : `${path.relative(process.cwd(), user.file)}:${user.at}`;
  return new DefinitionError(where, e.message.split("\n")[0]!.slice(0, 500));
}
