/**
 * Opting out of a check, per construct, with a reason a reviewer can read: {@link skipCheck} records
 * the reason on the construct, and the render's prepare step writes it on every document rendered
 * under that construct as the annotation `checks.cdk8s-homelab.io/<check-id>: <reason>`. `runChecks`
 * then lists the check's findings on those documents under `skipped`, with the reason.
 */
import type { IConstruct } from "constructs";
import type { Doc } from "../k8s/documents.js";
import { CHECKS } from "./registry.js";

/** The annotation prefix of an opt-out: `checks.cdk8s-homelab.io/<check-id>`. */
export const OPT_OUT_PREFIX = "checks.cdk8s-homelab.io/";

/** The construct metadata type under which {@link skipCheck} records an opt-out. */
const SKIP_METADATA = "cdk8s-homelab:skip-check";

interface OptOut {
  readonly check: string;
  readonly reason: string;
}

/** The roots of the construct trees in which some construct opted out of a check. */
const treesWithOptOuts = new WeakSet<IConstruct>();

/**
 * Whether any construct of `scope`'s tree has called {@link skipCheck}: when none has, no construct of it has
 * an opt-out, and the render need not ask each one.
 */
export function hasOptOuts(scope: IConstruct): boolean {
  return treesWithOptOuts.has(scope.node.root);
}

/** The reason `doc` opts out of `checkId`, or undefined when it does not. */
export function optOutReason(doc: Doc, checkId: string): string | undefined {
  const annotations = (doc.metadata as { annotations?: Record<string, unknown> }).annotations;
  const reason = annotations?.[`${OPT_OUT_PREFIX}${checkId}`];
  return typeof reason === "string" ? reason : undefined;
}

/** Why `skipCheck(…, checkId, reason)` cannot be recorded, or undefined when it can. */
function optOutProblem(checkId: unknown, reason: unknown): string | undefined {
  const skippable = CHECKS.filter((c) => c.skippable).map((c) => c.id);
  const check = CHECKS.find((c) => c.id === checkId);
  if (check === undefined) {
    return (
      `skipCheck: there is no check "${String(checkId)}"; ` +
      `use one of the checks a construct may skip: ${skippable.join(", ")}`
    );
  }
  if (!check.skippable) {
    return (
      `skipCheck: the check "${check.id}" cannot be skipped (the cluster would reject or break on what it finds); ` +
      "fix what it reports instead"
    );
  }
  if (typeof reason !== "string" || reason.trim() === "") {
    return `skipCheck: skipping "${check.id}" needs a reason for reviewers, e.g. skipCheck(app, "${check.id}", "why")`;
  }
  return undefined;
}

/**
 * Opts `scope` and every construct under it out of the check `checkId`, with a `reason` a reviewer
 * can read: each document rendered under `scope` carries the annotation
 * `checks.cdk8s-homelab.io/<checkId>: <reason>`, and the check's findings on it are listed as skipped
 * (`check --json`'s `skipped`, one line each in `check`) instead of reported. A namespace the lab
 * creates carries it when every construct that asked for the namespace opted out.
 *
 * Only skippable checks can be skipped (not the schema and reference checks). An unknown check id or
 * an empty reason is an error at synth, named by the construct's path.
 */
export function skipCheck(scope: IConstruct, checkId: string, reason: string): void {
  const problem = optOutProblem(checkId, reason);
  if (problem !== undefined) {
    scope.node.addValidation({ validate: () => [problem] });
    return;
  }
  scope.node.addMetadata(SKIP_METADATA, { check: checkId, reason: reason.trim() } satisfies OptOut);
  treesWithOptOuts.add(scope.node.root);
}

/**
 * The opt-outs in force on `construct`, from its own {@link skipCheck} calls and its scopes', as
 * annotations (`checks.cdk8s-homelab.io/<check-id>` -> reason). The nearest scope's reason wins.
 */
export function optOutAnnotations(construct: IConstruct): Record<string, string> {
  let out: Record<string, string> = {};
  for (const scope of construct.node.scopes) out = withOwnOptOuts(out, scope);
  return out;
}

/**
 * `inherited` with `construct`'s own {@link skipCheck} opt-outs added (its reason wins); `inherited` itself
 * when it has none. For walks that go down the tree once instead of up from every construct.
 */
export function withOwnOptOuts(inherited: Record<string, string>, construct: IConstruct): Record<string, string> {
  let out = inherited;
  for (const entry of construct.node.metadata) {
    if (entry.type !== SKIP_METADATA) continue;
    const { check, reason } = entry.data as OptOut;
    if (out === inherited) out = { ...inherited };
    out[`${OPT_OUT_PREFIX}${check}`] = reason;
  }
  return out;
}
