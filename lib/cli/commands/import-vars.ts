/**
 * `cdk8s-homelab import-vars FILE [-o apps/homelab.ts] [--name NAME] [--force]`: turns an existing `vars.nix`
 * into a typed spec module. Evaluates FILE with `nix-instantiate --eval --strict --json`, picks the preset that
 * reproduces it, and writes the module with comments for what it guessed or could not map. Bad input writes
 * nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { io, type CliContext } from "../context.js";
import { importVarsFile } from "../import/import-lab.js";
import { specModule } from "../import/print-spec.js";
import { ImportVarsError } from "../import/spec-from-vars.js";
import type { CliCommand } from "./command.js";

/** A lab name (a DNS label) from a folder name. */
export function labName(dir: string): string {
  const name = path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return name === "" ? "homelab" : name;
}

/** Runs the import; resolves to the exit code. */
export function runImportVars(ctx: CliContext, file: string, options: Readonly<Record<string, unknown>>): number {
  const { out, err, c, env } = io(ctx);
  const source = path.resolve(ctx.cwd, file);
  const target = path.resolve(ctx.cwd, typeof options["out"] === "string" ? options["out"] : "apps/homelab.ts");
  if (!fs.existsSync(source)) {
    err(`cdk8s-homelab import-vars: ${file} does not exist; give the path of your vars.nix. Nothing was written.\n`);
    return 1;
  }
  if (fs.existsSync(target) && options["force"] !== true) {
    err(
      `cdk8s-homelab import-vars: ${path.relative(ctx.cwd, target)} exists; give another path with -o, ` +
        "or --force to replace it. Nothing was written.\n",
    );
    return 1;
  }
  const name = typeof options["name"] === "string" ? options["name"] : labName(ctx.lab?.root ?? ctx.cwd);
  try {
    const imported = importVarsFile(source, name, env);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, specModule(imported, file));
    out(`${c.green("import-vars:")} wrote ${path.relative(ctx.cwd, target)} (preset "${imported.preset}")\n`);
    for (const note of imported.notes) out(`  check: ${note}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof ImportVarsError)) throw e;
    err(`cdk8s-homelab import-vars: ${e.problems.join("\n  ")}\nNothing was written.\n`);
    return 1;
  }
}

export const importVars: CliCommand = {
  name: "import-vars",
  args: "<file>",
  summary: "turn an existing vars.nix into a typed lab spec (apps/homelab.ts)",
  needsLab: false,
  options: [
    ["-o, --out <path>", "where to write the spec module (default apps/homelab.ts)"],
    ["--name <name>", "the lab's name (default: the folder's name)"],
    ["--force", "replace the spec module when it exists"],
  ],
  run: (ctx, args, options) => runImportVars(ctx, args[0]!, options),
};
