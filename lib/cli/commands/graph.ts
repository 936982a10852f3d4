/**
 * `cdk8s-homelab graph [-o FILE]`: a Mermaid picture of the lab from the model. The picture comes from
 * lib/graph (`labGraph`); this command is wired to it when that lands.
 */
import { io } from "../context.js";
import type { CliCommand } from "./command.js";

export const graph: CliCommand = {
  name: "graph",
  summary: "print a Mermaid picture of the lab: hosts, addresses, layers, apps",
  needsLab: true,
  options: [["-o, --output <file>", "write the picture to FILE instead of stdout"]],
  run(ctx) {
    io(ctx).err("cdk8s-homelab graph: not wired yet (lib/graph lands with issue 7, part 4).\n");
    return 1;
  },
};
