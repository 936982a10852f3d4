/**
 * `cdk8s-homelab diff [--json]`: what a synth would change, per resource and per host. The rendering
 * and comparison live in lib/diff (`diffLab`); this command is wired to it when that lands.
 */
import { io } from "../context.js";
import type { CliCommand } from "./command.js";

export const diff: CliCommand = {
  name: "diff",
  summary: "show what synth would change, per resource and per host (writes nothing)",
  needsLab: true,
  options: [["--json", "print the changes as JSON"]],
  run(ctx) {
    io(ctx).err("cdk8s-homelab diff: not wired yet (lib/diff lands with issue 7, part 4).\n");
    return 1;
  },
};
