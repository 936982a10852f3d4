/**
 * `cdk8s-homelab diff [--json]`: what a synth would change, per resource and per host, before
 * anything is committed. Renders the lab in memory and compares it with the committed tree (git
 * `HEAD` inside a git work tree, otherwise the files on disk, which it says). Writes nothing.
 * Exit 0 when nothing changes, 1 when something does (or the lab has problems).
 */
import { diffLab, formatLabDiff, hasChanges, readCommittedTree } from "../../diff/index.js";
import { io } from "../context.js";
import { tryRender } from "./check.js";
import type { CliCommand } from "./command.js";

export const diff: CliCommand = {
  name: "diff",
  summary: "show what synth would change, per resource and per host (writes nothing)",
  needsLab: true,
  options: [["--json", "print the changes as JSON"]],
  run(ctx, _args, options) {
    const { out, err, c } = io(ctx);
    const json = options["json"] === true;
    const result = tryRender(ctx.lab!);
    if ("errors" in result) {
      if (json) out(`${JSON.stringify({ ok: false, errors: result.errors }, null, 2)}\n`);
      else {
        err(`${c.red(c.bold("diff:"))} the lab has ${result.errors.length} problem(s); nothing to compare:\n`);
        for (const e of result.errors) err(`  ${e}\n`);
      }
      return 1;
    }
    const committed = readCommittedTree(ctx.lab!.root);
    const changes = diffLab(committed.files, result.rendered.files);
    const changed = hasChanges(changes);
    if (json) {
      out(`${JSON.stringify({ ok: true, against: committed.source, changed, ...changes }, null, 2)}\n`);
      return changed ? 1 : 0;
    }
    if (committed.source === "disk") {
      err(`${c.yellow("note:")} ${ctx.lab!.root} is not a git work tree: comparing with the files on disk\n`);
    }
    out(formatLabDiff(changes, { color: ctx.color === true }));
    return changed ? 1 : 0;
  },
};
