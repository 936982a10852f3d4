/**
 * Temporary lab projects for end-to-end tests that run the real entry point: the
 * fixture lab (test/fixtures/lab/, never this repository's apps/) is copied as
 * their apps/ (tests replace or edit it), lib/, imports/ and node_modules/ are
 * linked, and package.json is copied so that `import "cdk8s-homelab/..."`
 * resolves to lib/ through the package's own exports.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const repo = path.resolve(import.meta.dirname, "../..");

/**
 * Makes `dir` (which must exist) a project that runs this repository's code: lib/, imports/,
 * node_modules/ and the folders in `links` linked; scripts/ and the package files copied.
 * A lab (apps/) is up to the caller. The benchmark (bench/run.ts) builds its labs with it too.
 */
export function populateProject(dir: string, links: readonly string[] = []): void {
  for (const link of ["lib", "node_modules", "imports", ...links]) {
    fs.symlinkSync(path.join(repo, link), path.join(dir, link));
  }
  fs.cpSync(path.join(repo, "scripts"), path.join(dir, "scripts"), { recursive: true });
  for (const f of ["package.json", "package-lock.json", "tsconfig.json", "cdk8s.yaml"]) {
    fs.copyFileSync(path.join(repo, f), path.join(dir, f));
  }
}

/** The fixture lab a TempProject starts with, as its apps/. */
export const fixtureLab = path.join(repo, "test/fixtures/lab");

/** Node's flag that resolves the package's own name to its TypeScript sources (package.json exports). */
export const SOURCE_CONDITION = "--conditions=cdk8s-homelab-source";

/** A temporary project copy; remove it with {@link TempProject.remove}. */
export class TempProject {
  readonly dir: string;

  constructor(prefix = "homelab-project-") {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    populateProject(this.dir, ["bin"]);
    fs.cpSync(fixtureLab, path.join(this.dir, "apps"), { recursive: true });
  }

  /** Runs `npm run synth` (scripts/synth.mjs, without npm itself), optionally with another Node binary. */
  synth(args: readonly string[] = [], node = process.execPath): SpawnSyncReturns<string> {
    return spawnSync(node, ["scripts/synth.mjs", ...args], { cwd: this.dir, encoding: "utf8" });
  }

  /** Runs the entry point through tsx, the way cdk8s.yaml's `app` does. */
  synthWithTsx(args: readonly string[] = [], node = process.execPath): SpawnSyncReturns<string> {
    return spawnSync(node, [SOURCE_CONDITION, "--import", "tsx", "apps/main.ts", ...args], {
      cwd: this.dir,
      encoding: "utf8",
    });
  }

  /**
   * Edits a file of the copy. Throws when `change` leaves the text as it was (a replacement
   * that no longer matches would otherwise turn the test into a no-op).
   */
  edit(file: string, change: (text: string) => string): void {
    const abs = path.join(this.dir, file);
    const before = fs.readFileSync(abs, "utf8");
    const after = change(before);
    if (after === before)
      throw new Error(`TempProject.edit: ${file} is unchanged; the edit no longer matches its text`);
    fs.writeFileSync(abs, after);
  }

  /** Replaces the lab's spec (apps/homelab.ts) with `spec`, written as a typed literal. */
  writeSpec(spec: unknown): void {
    const text =
      `import type { HomelabSpec } from "cdk8s-homelab/model";\n\n` +
      `export const homelab: HomelabSpec = ${JSON.stringify(spec, null, 2)};\n`;
    fs.writeFileSync(path.join(this.dir, "apps/homelab.ts"), text);
  }

  /** Makes apps/kubernetes.ts the fixture lab's variant `name` (test/fixtures/lab/variants/<name>.ts). */
  useKubernetes(variant: string): void {
    if (!fs.existsSync(path.join(this.dir, "apps/variants", `${variant}.ts`)))
      throw new Error(`no fixture variant ${variant}`);
    fs.writeFileSync(
      path.join(this.dir, "apps/kubernetes.ts"),
      `export { defineKubernetes } from "./variants/${variant}.js";\n`,
    );
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
