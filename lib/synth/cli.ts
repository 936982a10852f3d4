/**
 * The write half of `cdk8s-homelab synth`: render in memory, then write in one transaction.
 * Problems are printed all at once and nothing is written when there is one. (`check` and
 * `synth --check` compare without writing: lib/cli/commands/check.ts.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { HomelabValidationError, formatProblems } from "../model/index.js";
import { ConstructValidationError } from "../k8s/render.js";
import { CheckError } from "../check/index.js";
import { summarizeFindings } from "../check/finding.js";
import { DefinitionError } from "./definition-error.js";
import { VarsMappingError } from "../nix/vars-shape.js";
import { RenderError, render, type LabDefinition, type Rendered } from "./render.js";
import { UnsafePathError, readRegularFile } from "./trust.js";
import { HandWrittenFileError, KILL_AT_ENV, SynthBusyError, WriteTransaction, killHooks } from "./write.js";

/** Where to write and how to talk. */
export interface CliOptions {
  /** Project root: `dist/`, `nix/` and the manifest go below it. */
  readonly root: string;
  /** @default process.stdout.write */
  readonly out?: (text: string) => void;
  /** @default process.stderr.write */
  readonly err?: (text: string) => void;
  /**
   * Set when the cdk8s CLI runs the app (`CDK8S_OUTDIR`): all manifests are also written there as
   * one `homelab.k8s.yaml`, for `cdk8s synth --stdout` and its validation plugins.
   * @default undefined - not run by the cdk8s CLI
   */
  readonly cdk8sOutDir?: string;
}

/** All of dist/'s manifests (kustomize configs left out) as one multi-document file, for the cdk8s CLI. */
function writeCdk8sOutput(dir: string, rendered: Rendered): void {
  const docs = [...rendered.files.entries()]
    .filter(([p]) => p.startsWith("dist/") && p.endsWith(".yaml") && !p.endsWith("/kustomization.yaml"))
    .map(([, text]) => text.replace(/^#[^\n]*\n/, "").replace(/\n?$/, "\n"));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "homelab.k8s.yaml"), docs.join("---\n"));
}

/** The largest SOPS file synth reads: 1 MiB (a Secret is a few KiB). */
export const MAX_SOPS_BYTES = 1024 * 1024;

/**
 * Reads the SOPS-encrypted files (`*.sops.yaml`) of `dir` (relative to `root`), sorted by name,
 * for {@link LabDefinition.sopsFiles}. A missing folder means none. The folder and every file must
 * be real (no symbolic links: a link could carry another project's secrets into dist/), regular
 * files, at most {@link MAX_SOPS_BYTES} each.
 * @throws UnsafePathError naming every file that breaks these rules
 */
export function readSopsFiles(root: string, dir: string): { path: string; text: string }[] {
  const abs = path.join(root, dir);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  if (st.isSymbolicLink() || !st.isDirectory()) {
    throw new UnsafePathError([
      `${dir} is ${st.isSymbolicLink() ? "a symbolic link" : "not a folder"}; keep the lab's SOPS files in a real ` +
        "folder of the project",
    ]);
  }
  const problems: string[] = [];
  const out: { path: string; text: string }[] = [];
  for (const f of fs
    .readdirSync(abs)
    .filter((n) => n.endsWith(".sops.yaml"))
    .sort()) {
    try {
      out.push({ path: `${dir}/${f}`, text: readRegularFile(path.join(abs, f), `${dir}/${f}`, MAX_SOPS_BYTES) });
    } catch (e) {
      if (e instanceof UnsafePathError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length > 0) throw new UnsafePathError(problems);
  return out;
}

/** How many warnings of one check synth prints before it counts the rest. */
const WARNINGS_PER_CHECK = 5;

/** Renders and writes the lab; returns the process exit code (0 ok, 1 problems, 2 a misconfigured output). */
export function runCli(def: LabDefinition, options: CliOptions): number {
  const out = options.out ?? ((t: string) => void process.stdout.write(t));
  const err = options.err ?? ((t: string) => void process.stderr.write(t));
  if (options.cdk8sOutDir !== undefined) {
    const rel = path.relative(options.root, path.resolve(options.root, options.cdk8sOutDir)).split(path.sep)[0];
    if (rel === "dist" || rel === "nix" || rel === "") {
      err(
        `cdk8s.yaml's output is "${options.cdk8sOutDir}": the cdk8s CLI deletes that folder before synth, so it must not hold dist/ or nix/. Set output: .cdk8s.out\n`,
      );
      return 2;
    }
  }
  const started = process.hrtime.bigint();
  const hooks = killHooks(process.env[KILL_AT_ENV]);
  // The write begins while the render goes on: the first files are staged (on another thread) while the
  // checks run. A problem taking the lock is kept until the render is done, so the render's own errors
  // still come first; nothing outside .synth-txn/ changes before the commit below.
  let txn: WriteTransaction | undefined;
  let writeError: unknown;
  const onFiles = (batch: ReadonlyMap<string, string>): void => {
    if (writeError !== undefined) return;
    try {
      txn ??= new WriteTransaction(options.root, hooks);
      txn.offer(batch);
    } catch (e) {
      writeError = e;
    }
  };
  let rendered: Rendered;
  try {
    rendered = render(def, { onFiles });
  } catch (e) {
    txn?.abort();
    if (
      e instanceof HomelabValidationError ||
      e instanceof ConstructValidationError ||
      e instanceof RenderError ||
      e instanceof CheckError ||
      e instanceof DefinitionError ||
      e instanceof VarsMappingError
    ) {
      err(`${e.message}\n`);
      return 1;
    }
    err(`synth failed; nothing was written:\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
  if (rendered.warnings.length > 0) err(`${formatProblems(rendered.warnings, def.source)}\n`);
  for (const note of rendered.notes) err(`note: ${note}\n`);
  // Each check's first few warnings; `check` lists them all.
  for (const line of summarizeFindings(rendered.checks.findings, WARNINGS_PER_CHECK)) err(`warning: ${line}\n`);

  try {
    if (writeError !== undefined) {
      txn?.abort();
      throw writeError;
    }
    txn ??= new WriteTransaction(options.root, hooks);
    const plan = txn.commit(rendered.files);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const changed = plan.create.length + plan.update.length;
    out(
      `synth: ${rendered.files.size} files, ${changed} written, ${plan.remove.length} removed, ` +
        `${plan.unchanged.length} unchanged (${ms.toFixed(0)} ms)\n`,
    );
    for (const p of [...plan.create, ...plan.update]) out(`  wrote   ${p}\n`);
    for (const p of plan.remove) out(`  removed ${p}\n`);
    for (const k of plan.kept) err(`warning: ${k.path}: ${k.reason}\n`);
    if (options.cdk8sOutDir !== undefined) writeCdk8sOutput(path.resolve(options.root, options.cdk8sOutDir), rendered);
    return 0;
  } catch (e) {
    if (e instanceof HandWrittenFileError || e instanceof UnsafePathError || e instanceof SynthBusyError) {
      err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
