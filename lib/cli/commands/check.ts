/**
 * `cdk8s-homelab check [--json]`: renders the lab in memory and compares it with dist/, nix/ and the
 * manifest on disk. Writes nothing. Exit 1 on a validation problem or drift.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { HomelabValidationError, formatProblems, type Problem } from "../../model/index.js";
import { ConstructValidationError } from "../../k8s/render.js";
import { DefinitionError } from "../../synth/definition-error.js";
import { RenderError, render, type Rendered } from "../../synth/render.js";
import { type Plan, TXN_DIR, UnsafePathError, planWrite } from "../../synth/write.js";
import { io, type CliContext, type LoadedLab } from "../context.js";
import { labDefinition } from "../definition.js";
import { sopsConfigOptions, sopsConfigWarnings } from "../sops-config.js";
import { CheckError, formatFinding, type Finding } from "../../check/index.js";
import type { CliCommand } from "./command.js";

/** One file that is not what synth would write. */
export interface Drift {
  readonly path: string;
  /**
   * missing: synth would create it; changed: its text differs; stale: synth would remove it;
   * conflict: it exists and synth did not write it.
   */
  readonly state: "missing" | "changed" | "stale" | "conflict";
}

/** What `check --json` prints. */
export interface CheckReport {
  readonly ok: boolean;
  /** Files synth owns (0 when rendering failed). */
  readonly files: number;
  /** Errors that stop synth, one line each (validation problems with their path and fix). */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  readonly drift: readonly Drift[];
  /** An interrupted synth left its transaction folder behind. */
  readonly interrupted: boolean;
  /** Every finding of the checks (errors and warnings), as data. */
  readonly findings: readonly Finding[];
  /** Findings a construct opted out of, with the reason it gave. */
  readonly skipped: readonly (Finding & { readonly reason: string })[];
}

function problemLines(problems: readonly Problem[], source: string | undefined): string[] {
  return problems.length === 0 ? [] : formatProblems(problems, source).split("\n");
}

/** The lab rendered in memory, or the errors that stop it (one line each, with their path and fix). */
export function tryRender(
  lab: LoadedLab,
): { rendered: Rendered; source: string | undefined } | { errors: string[]; findings?: readonly Finding[] } {
  try {
    const def = labDefinition(lab);
    return { rendered: render(def), source: def.source };
  } catch (e) {
    if (e instanceof UnsafePathError) return { errors: [...e.problems] };
    if (e instanceof HomelabValidationError) return { errors: problemLines(e.problems, e.source) };
    if (e instanceof ConstructValidationError || e instanceof RenderError || e instanceof DefinitionError) {
      return { errors: [...e.problems] };
    }
    if (e instanceof CheckError) {
      return { errors: [...e.problems], findings: e.findings };
    }
    throw e;
  }
}

/** Renders and compares; never writes. */
export function checkLab(lab: LoadedLab): CheckReport {
  const warnings = sopsConfigWarnings(lab.root, sopsConfigOptions(lab));
  const result = tryRender(lab);
  const none = { drift: [], interrupted: false, skipped: [] };
  if ("errors" in result) {
    const findings = result.findings ?? [];
    for (const f of findings) if (f.severity === "warning") warnings.push(formatFinding(f));
    return { ok: false, files: 0, errors: result.errors, warnings, findings, ...none };
  }
  const { rendered } = result;
  const def = { source: result.source };
  const { findings, skipped } = rendered.checks;
  warnings.push(
    ...problemLines(rendered.warnings, def.source),
    ...rendered.notes.map((n) => `note: ${n}`),
    ...findings.map(formatFinding),
  );
  let plan: Plan;
  try {
    plan = planWrite(lab.root, rendered.files);
  } catch (e) {
    if (!(e instanceof UnsafePathError)) throw e;
    return { ok: false, files: rendered.files.size, errors: [...e.problems], warnings, findings, ...none, skipped };
  }
  if (plan.unsafe.length > 0) {
    return { ok: false, files: rendered.files.size, errors: [...plan.unsafe], warnings, findings, ...none, skipped };
  }
  const drift: Drift[] = [
    ...plan.create.map((p) => ({ path: p, state: "missing" as const })),
    ...plan.update.map((p) => ({ path: p, state: "changed" as const })),
    ...plan.remove.map((p) => ({ path: p, state: "stale" as const })),
    ...plan.conflicts.map((p) => ({ path: p, state: "conflict" as const })),
  ];
  const interrupted = fs.existsSync(path.join(lab.root, TXN_DIR));
  return {
    ok: drift.length === 0 && !interrupted,
    files: rendered.files.size,
    errors: [],
    warnings,
    drift,
    interrupted,
    findings,
    skipped,
  };
}

/** One line for a finding a construct opted out of: where, what, and the reason it gave. */
export function formatSkipped(s: Finding & { readonly reason: string }): string {
  const where = [s.file, s.object].filter((x) => x !== undefined).join(": ");
  const at = s.path === undefined ? "" : ` at ${s.path}`;
  return `[${s.check}] ${where === "" ? "" : `${where}${at}: `}${s.message} (opted out: ${s.reason})`;
}

/** Prints a report for people (stderr for problems, stdout for the all-clear); returns the exit code. */
export function printCheck(ctx: CliContext, report: CheckReport): number {
  const { out, err, c } = io(ctx);
  for (const w of report.warnings)
    err(`${c.yellow(w.startsWith("note: ") ? "note:" : "warning:")} ${w.replace(/^(note|warning): /, "")}\n`);
  for (const s of report.skipped) err(`${c.dim("skipped:")} ${formatSkipped(s)}\n`);
  if (report.errors.length > 0) {
    err(
      `${c.red(c.bold("check failed:"))} the lab has ${report.errors.length} problem(s); synth would write nothing:\n`,
    );
    for (const e of report.errors) err(`  ${e.replace(/^error: /, `${c.red("error:")} `)}\n`);
    return 1;
  }
  if (!report.ok) {
    const lines = report.drift.map((d) => {
      const what = d.state === "conflict" ? `${d.path} (exists, not written by synth)` : d.path;
      return `  ${c.red(d.state.padEnd(9))} ${what}`;
    });
    if (report.interrupted) lines.push(`  interrupted synth: ${TXN_DIR}/ exists; run synth to roll it back`);
    err(
      `${c.red(c.bold("check:"))} the generated files are not what the definition produces (${lines.length}):\n` +
        `${lines.join("\n")}\nRun \`cdk8s-homelab synth\` and commit the result.\n`,
    );
    return 1;
  }
  out(`${c.green("check:")} ${report.files} generated files are up to date\n`);
  return 0;
}

export const check: CliCommand = {
  name: "check",
  summary: "validate the lab and compare dist/ and nix/ with a fresh render (writes nothing)",
  needsLab: true,
  options: [["--json", "print the result as JSON (for scripts and CI)"]],
  run(ctx, _args, options) {
    const report = checkLab(ctx.lab!);
    if (options["json"] === true) {
      io(ctx).out(`${JSON.stringify(report, null, 2)}\n`);
      return report.ok ? 0 : 1;
    }
    return printCheck(ctx, report);
  },
};
