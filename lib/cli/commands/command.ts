/** The command table's shape: each command is one small module under lib/cli/commands/. */
import type { CliContext } from "../context.js";

/** One CLI command. */
export interface CliCommand {
  /** The command's name, as typed. */
  readonly name: string;
  /** Positional arguments in commander's notation (`<dir>`). @default none */
  readonly args?: string;
  /** One line for the usage text. */
  readonly summary: string;
  /** Whether the launcher must load the lab's entry before running it. */
  readonly needsLab: boolean;
  /** Options: commander flags (`--check`) with their description. @default none */
  readonly options?: readonly (readonly [flags: string, description: string])[];
  /** Runs the command; resolves to the exit code (0 ok, 1 problems, drift or changes). */
  run(ctx: CliContext, args: readonly string[], options: Readonly<Record<string, unknown>>): number | Promise<number>;
}
