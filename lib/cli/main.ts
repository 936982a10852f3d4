/**
 * The `cdk8s-homelab` command line: parses the arguments (commander) and runs one command of the table
 * in lib/cli/commands/. bin/cdk8s-homelab.mjs loads the lab's entry first for the commands that need it.
 *
 * Exit codes: 0 ok, 1 problems, drift or changes, 2 usage (unknown command, flag or argument).
 */
import { Command, CommanderError, Option } from "commander";
import { LabConfigError } from "./config.js";
import { io, type CliContext } from "./context.js";
import { check } from "./commands/check.js";
import type { CliCommand } from "./commands/command.js";
import { diff } from "./commands/diff.js";
import { graph } from "./commands/graph.js";
import { importVars } from "./commands/import-vars.js";
import { init } from "./commands/init.js";
import { synth } from "./commands/synth.js";

/** Every command, in the order of the usage text. */
export const COMMANDS: readonly CliCommand[] = [synth, check, diff, graph, init, importVars];

/** The names of the commands that need the lab's entry loaded. */
export const LAB_COMMANDS: readonly string[] = COMMANDS.filter((c) => c.needsLab).map((c) => c.name);

/** Exit code for usage errors. */
export const USAGE = 2;

function program(ctx: CliContext, result: { code: number }): Command {
  const { out, err } = io(ctx);
  const root = new Command("cdk8s-homelab")
    .description("Describe a NixOS + k3s + Flux homelab once, in TypeScript; synthesize dist/ and nix/ from it.")
    .version(ctx.version, "-V, --version", "print the version")
    .helpOption("-h, --help", "print this help")
    .helpCommand(false)
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showHelpAfterError(true)
    .addHelpText(
      "after",
      "\nExit codes: 0 ok, 1 problems, drift or changes, 2 usage.\n" +
        'The lab\'s entry is package.json\'s "cdk8s-homelab": { "entry": "apps/lab.ts" } (the default).',
    );
  for (const def of COMMANDS) {
    const cmd = new Command(def.name)
      .description(def.summary)
      .helpOption("-h, --help", "print this help")
      .exitOverride()
      .configureOutput({ writeOut: out, writeErr: err })
      .showHelpAfterError(true);
    if (def.args !== undefined) cmd.arguments(def.args);
    for (const [flags, description] of def.options ?? []) cmd.addOption(new Option(flags, description));
    cmd.action(async (...params: unknown[]) => {
      const command = params[params.length - 1] as Command;
      result.code = await def.run(ctx, command.args, command.opts());
    });
    root.addCommand(cmd);
  }
  return root;
}

/** Runs the CLI with `argv` (the arguments after the program's name); resolves to the exit code. */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const result = { code: 0 };
  try {
    await program(ctx, result).parseAsync([...argv], { from: "user" });
    return result.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : USAGE;
    }
    if (e instanceof LabConfigError) {
      io(ctx).err(`cdk8s-homelab: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
