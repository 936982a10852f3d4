/**
 * Temporary copies of this project for end-to-end tests that run the real
 * entry point: apps/ is copied (tests edit it), lib/, imports/ and
 * node_modules/ are linked.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const repo = path.resolve(import.meta.dirname, "../..");

/** A temporary project copy; remove it with {@link TempProject.remove}. */
export class TempProject {
  readonly dir: string;

  constructor(prefix = "homelab-project-") {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    for (const link of ["lib", "node_modules", "imports", "bin"]) fs.symlinkSync(path.join(repo, link), path.join(this.dir, link));
    fs.cpSync(path.join(repo, "apps"), path.join(this.dir, "apps"), { recursive: true });
    fs.cpSync(path.join(repo, "scripts"), path.join(this.dir, "scripts"), { recursive: true });
    for (const f of ["package.json", "package-lock.json", "tsconfig.json", "cdk8s.yaml"]) fs.copyFileSync(path.join(repo, f), path.join(this.dir, f));
  }

  /** Runs `npm run synth` (scripts/synth.mjs, without npm itself), optionally with another Node binary. */
  synth(args: readonly string[] = [], node = process.execPath): SpawnSyncReturns<string> {
    return spawnSync(node, ["scripts/synth.mjs", ...args], { cwd: this.dir, encoding: "utf8" });
  }

  /** Runs the entry point through tsx, the way cdk8s.yaml's `app` does. */
  synthWithTsx(args: readonly string[] = [], node = process.execPath): SpawnSyncReturns<string> {
    return spawnSync(node, ["--import", "tsx", "apps/main.ts", ...args], { cwd: this.dir, encoding: "utf8" });
  }

  /** Edits a file of the copy. */
  edit(file: string, change: (text: string) => string): void {
    const abs = path.join(this.dir, file);
    fs.writeFileSync(abs, change(fs.readFileSync(abs, "utf8")));
  }

  /** Every file under `sub` (default: dist/, nix/ and the manifest), path -> content. */
  snapshot(subs: readonly string[] = ["dist", "nix", "synth-manifest.json"]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const sub of subs) {
      const abs = path.join(this.dir, sub);
      if (!fs.existsSync(abs)) continue;
      if (fs.statSync(abs).isFile()) {
        out[sub] = fs.readFileSync(abs, "utf8");
        continue;
      }
      for (const e of fs.readdirSync(abs, { withFileTypes: true, recursive: true })) {
        if (e.isFile()) {
          const file = path.join(e.parentPath, e.name);
          out[path.relative(this.dir, file).split(path.sep).join("/")] = fs.readFileSync(file, "utf8");
        }
      }
    }
    return out;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
