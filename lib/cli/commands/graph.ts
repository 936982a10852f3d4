/**
 * `cdk8s-homelab graph [-o FILE]`: a Mermaid picture of the lab from the model and its rendered
 * files: hosts with their roles (k3s servers and agents), the LAN, the MetalLB pool and every
 * reservation with its address and holder, the Flux layers with their order, each app's URL and
 * the VPN users (names only). Printed, or written to FILE.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { labGraph } from "../../graph/index.js";
import { io } from "../context.js";
import { tryRender } from "./check.js";
import type { CliCommand } from "./command.js";

export const graph: CliCommand = {
  name: "graph",
  summary: "print a Mermaid picture of the lab: hosts, addresses, layers, apps",
  needsLab: true,
  options: [["-o, --output <file>", "write the picture to FILE instead of stdout"]],
  run(ctx, _args, options) {
    const { out, err, c } = io(ctx);
    const result = tryRender(ctx.lab!);
    if ("errors" in result) {
      err(`${c.red(c.bold("graph:"))} the lab has ${result.errors.length} problem(s):\n`);
      for (const e of result.errors) err(`  ${e}\n`);
      return 1;
    }
    const { homelab, files, secrets } = result.rendered;
    const text = labGraph({ homelab, files, secrets });
    const file = options["output"];
    if (typeof file === "string") {
      const target = path.resolve(ctx.cwd, file);
      fs.writeFileSync(target, text);
      err(`graph: wrote ${path.relative(ctx.cwd, target) || target}\n`);
    } else out(text);
    return 0;
  },
};
