/** `cdk8s-homelab import-vars`: reading an existing vars.nix into a spec, planned in its own issue. */
import { io } from "../context.js";
import type { CliCommand } from "./command.js";

export const importVars: CliCommand = {
  name: "import-vars",
  args: "[file]",
  summary: "turn an existing vars.nix into a lab spec (not built yet)",
  needsLab: false,
  run(ctx) {
    io(ctx).err(
      'cdk8s-homelab import-vars: not built yet. The importer comes with the issue "fits the lab you already have"; ' +
        "until then, write apps/homelab.ts by hand (see the README).\n",
    );
    return 1;
  },
};
