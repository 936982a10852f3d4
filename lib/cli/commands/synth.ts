/**
 * `cdk8s-homelab synth [--check]`: renders the lab in memory and writes dist/, nix/ and the manifest
 * in one transaction (lib/synth). `--check` is `check`: compare only, write nothing.
 */
import { HomelabValidationError } from "../../model/index.js";
import { runCli } from "../../synth/cli.js";
import { SynthBusyError, UnsafePathError } from "../../synth/write.js";
import { io } from "../context.js";
import { labDefinition } from "../definition.js";
import { sopsConfigOptions, sopsConfigWarnings } from "../sops-config.js";
import { checkLab, printCheck } from "./check.js";
import type { CliCommand } from "./command.js";

export const synth: CliCommand = {
  name: "synth",
  summary: "render the lab and write dist/ and nix/ in one transaction",
  needsLab: true,
  options: [["--check", "compare with the files on disk instead of writing (same as `check`)"]],
  run(ctx, _args, options) {
    const lab = ctx.lab!;
    if (options["check"] === true) return printCheck(ctx, checkLab(lab));
    const { out, err, c, env } = io(ctx);
    for (const w of sopsConfigWarnings(lab.root, sopsConfigOptions(lab))) err(`${c.yellow("warning:")} ${w}\n`);
    try {
      return runCli(labDefinition(lab), { root: lab.root, out, err, cdk8sOutDir: env["CDK8S_OUTDIR"] });
    } catch (e) {
      // Another synth holds the tree, or a path synth will not follow (lib/synth/trust.ts): facts, not bugs.
      // A spec file that does not parse (its problems, at their line and column) is the user's to fix too.
      if (e instanceof SynthBusyError || e instanceof UnsafePathError || e instanceof HomelabValidationError) {
        err(`${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
