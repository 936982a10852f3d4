/** The shape of a check: an id, a one-line doc, and a pure function from the lab to findings. */
import type { CheckContext } from "./context.js";
import type { Finding, Severity } from "./finding.js";

/** One check of the lab. */
export interface Check {
  /** Lowercase words joined by `-`, e.g. `no-cpu-limit`; names the check in findings and opt-outs. */
  readonly id: string;
  /** One line for the README and `check --list`: what it asks for. */
  readonly doc: string;
  /** The severity of its findings. */
  readonly severity: Severity;
  /**
   * Whether a construct may opt out of it (with a reason, recorded as an annotation).
   * Schema and reference checks cannot be skipped: the cluster would reject or break on them.
   */
  readonly skippable: boolean;
  /** Reads the lab, returns what it finds (empty when all is well). Pure. */
  readonly run: (ctx: CheckContext) => readonly Finding[];
}
