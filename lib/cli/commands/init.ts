/**
 * `cdk8s-homelab init DIR [--package PATH] [--no-install] [--spec ts|yaml] [--from-vars FILE]`: a new lab
 * repository in one command (with --from-vars, its spec and Kubernetes side imported from an existing
 * vars.nix). Writes the templates of lib/cli/init into DIR (which must be empty or absent: nothing is written into a folder
 * that holds anything), runs `npm install` unless --no-install, then `git init` unless DIR is already in a
 * git repository.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { io, type CliContext } from "../context.js";
import { SPEC_FORMATS, type SpecFormat, labTemplates } from "../init/templates.js";
import { importVarsFile } from "../import/import-lab.js";
import { kubernetesModule, labTestModule, specModule } from "../import/print-spec.js";
import { ImportVarsError } from "../import/spec-from-vars.js";

/** Exit code of a usage error (as lib/cli/main.ts's USAGE, which this module cannot import: a cycle). */
const USAGE_EXIT = 2;
import type { CliCommand } from "./command.js";

/** The lab's package name: the folder's name as an npm name. */
function packageName(dir: string): string {
  const name = path
    .basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return name === "" ? "homelab" : name;
}

/** Whether `dir` is inside a git work tree. */
function inGitRepository(dir: string): boolean {
  const r = spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: dir, encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() === "true";
}

/** Writes a new lab into `dir`; resolves to the exit code. */
export function initLab(ctx: CliContext, dirArg: string, options: Readonly<Record<string, unknown>>): number {
  const { out, err, c } = io(ctx);
  const dir = path.resolve(ctx.cwd, dirArg);
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) {
      err(`cdk8s-homelab init: ${dirArg} exists and is not a folder; pick a new folder name.\n`);
      return 1;
    }
    const entries = fs.readdirSync(dir);
    if (entries.length > 0) {
      err(
        `cdk8s-homelab init: ${dirArg} is not empty (${entries.slice(0, 3).join(", ")}` +
          `${entries.length > 3 ? ", ..." : ""}); nothing was written. Pick a new or empty folder.\n`,
      );
      return 1;
    }
  }
  let packageSpec = `^${ctx.version}`;
  if (typeof options["package"] === "string") {
    const pkg = path.resolve(ctx.cwd, options["package"]);
    if (!fs.existsSync(pkg)) {
      err(
        `cdk8s-homelab init: --package ${options["package"]} does not exist; ` +
          "give a packed .tgz or the library's folder.\n",
      );
      return 1;
    }
    packageSpec = `file:${pkg}`;
  }
  const spec = options["spec"] ?? "ts";
  if (!SPEC_FORMATS.includes(spec as SpecFormat)) {
    err(
      `cdk8s-homelab init: --spec ${String(spec)} is not a spec format; use --spec ts (apps/homelab.ts) or ` +
        "--spec yaml (apps/homelab.yaml). Nothing was written.\n",
    );
    return USAGE_EXIT;
  }
  if (typeof options["fromVars"] === "string" && spec === "yaml") {
    err(
      "cdk8s-homelab init: --from-vars writes the imported spec as TypeScript (apps/homelab.ts); " +
        "leave out --spec yaml. Nothing was written.\n",
    );
    return USAGE_EXIT;
  }
  const files = labTemplates({ name: packageName(dir), packageSpec, spec: spec as SpecFormat });
  if (typeof options["fromVars"] === "string") {
    // The imported lab replaces the template's spec and Kubernetes side; a bad file writes nothing.
    const from = options["fromVars"];
    const source = path.resolve(ctx.cwd, from);
    if (!fs.existsSync(source)) {
      err(
        `cdk8s-homelab init: --from-vars ${from} does not exist; give the path of your vars.nix. Nothing was written.\n`,
      );
      return 1;
    }
    try {
      const imported = importVarsFile(source, packageName(dir), io(ctx).env);
      files.set("apps/homelab.ts", specModule(imported, path.basename(from)));
      files.set("apps/kubernetes.ts", kubernetesModule(imported));
      files.set("test/lab.test.ts", labTestModule(imported, path.basename(from)));
      for (const note of imported.notes) out(`  check: ${note}\n`);
    } catch (e) {
      if (!(e instanceof ImportVarsError)) throw e;
      err(`cdk8s-homelab init: ${e.problems.join("\n  ")}\nNothing was written.\n`);
      return 1;
    }
  }
  for (const [rel, text] of files) {
    const abs = path.join(dir, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  }
  out(`${c.green("init:")} wrote a new lab in ${dirArg} (${files.size} files)\n`);
  if (options["install"] !== false) {
    out("init: npm install\n");
    const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], {
      cwd: dir,
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (r.status !== 0) {
      err(
        `cdk8s-homelab init: npm install failed in ${dirArg} (exit ${r.status ?? r.signal}); ` +
          "fix the cause and run it again there.\n",
      );
      return 1;
    }
  }
  if (!inGitRepository(dir)) {
    const r = spawnSync("git", ["init", "--quiet"], { cwd: dir, encoding: "utf8" });
    if (r.status === 0) out("init: git init\n");
    else
      err(`cdk8s-homelab init: git init failed (${(r.stderr ?? "").trim() || r.error?.message}); run it yourself.\n`);
  }
  out(
    `\nNext:\n  cd ${dirArg}\n  npx cdk8s-homelab synth    # writes dist/ and nix/\n` +
      "  npm test                   # the lab's tests\n" +
      `  edit apps/homelab.${spec} (your hosts, network, domain) and .sops.yaml (your age key)\n`,
  );
  return 0;
}

export const init: CliCommand = {
  name: "init",
  args: "<dir>",
  summary: "start a new lab repository in DIR (an empty or new folder)",
  needsLab: false,
  options: [
    ["--package <path>", "install cdk8s-homelab from a folder or a packed .tgz instead of the registry"],
    ["--no-install", "do not run npm install"],
    ["--spec <format>", "write the lab's spec as apps/homelab.ts (ts, the default) or apps/homelab.yaml (yaml)"],
    ["--from-vars <file>", "start from an existing vars.nix (see import-vars) instead of the example spec"],
  ],
  run: (ctx, args, options) => initLab(ctx, args[0]!, options),
};
