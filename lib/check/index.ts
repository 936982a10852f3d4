/**
 * `cdk8s-homelab/check`: the checks synth and `check` run on every render, offline, before anything is written:
 * schemas (lib/check/schema), cross-layer references (lib/check/references) and policies
 * (lib/check/policies). Each is a {@link Check}: an id, a one-line doc and a pure function.
 * `render` runs them all; errors stop synth ({@link CheckError}), warnings are printed.
 *
 * @module
 */
import type { Doc } from "../k8s/documents.js";
import type { Check } from "./check.js";
import type { CheckContext } from "./context.js";
import { type Finding, formatFinding } from "./finding.js";
import { optOutReason } from "./opt-out.js";
import { CHECKS } from "./registry.js";

export type { Check } from "./check.js";
export type { CheckContext, CheckedDocument } from "./context.js";
export { describeObject, formatFinding, type Finding, type Severity } from "./finding.js";
export { OPT_OUT_PREFIX, skipCheck } from "./opt-out.js";
export { promqlSyntaxError, type PromqlSyntaxError } from "./promql.js";
export { CHECKS } from "./registry.js";
export {
  SCHEMA_RULES,
  schemaCheck,
  validateDocument,
  type SchemaProblem,
  type SchemaRule,
  type ValidateOptions,
} from "./schema/index.js";

/** What {@link runChecks} found: the findings that count, and the ones a construct opted out of. */
export interface CheckResults {
  /** Errors and warnings, in check order. */
  readonly findings: readonly Finding[];
  /** Findings suppressed by an opt-out annotation, with its reason (for `check --json` and reviewers). */
  readonly skipped: readonly (Finding & { readonly reason: string })[];
}

/** Runs `checks` (default: all of them) on the lab. Pure. */
export function runChecks(ctx: CheckContext, checks: readonly Check[] = CHECKS): CheckResults {
  const findings: Finding[] = [];
  const skipped: (Finding & { reason: string })[] = [];
  // Built on the first finding that may be opted out of: a lab without findings never pays for it.
  let byConstruct: Map<string, Doc> | undefined;
  const docOf = (construct: string): Doc | undefined => {
    byConstruct ??= new Map(ctx.documents.map((d) => [d.construct, d.doc]));
    return byConstruct.get(construct);
  };
  for (const check of checks) {
    for (const f of check.run(ctx)) {
      const doc = check.skippable && f.construct !== undefined ? docOf(f.construct) : undefined;
      const reason = doc === undefined ? undefined : optOutReason(doc, check.id);
      if (reason !== undefined) skipped.push({ ...f, reason });
      else findings.push(f);
    }
  }
  return { findings, skipped };
}

/** Thrown by synth when a check reports errors; lists every finding (warnings too) so nothing is hidden. */
export class CheckError extends Error {
  /** One line per error, as printed. */
  readonly problems: readonly string[];
  constructor(readonly findings: readonly Finding[]) {
    const errors = findings.filter((f) => f.severity === "error");
    const problems = errors.map(formatFinding);
    super(
      `the lab's checks found ${errors.length} problem${errors.length === 1 ? "" : "s"}; nothing was written:\n` +
        problems.map((p) => `  ${p}`).join("\n"),
    );
    this.problems = problems;
    this.name = "CheckError";
  }
}
