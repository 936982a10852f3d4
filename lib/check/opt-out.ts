/**
 * Opting out of a check, per construct, with a reason a reviewer can read: the reason is
 * recorded on every document the construct renders as the annotation
 * `checks.cdk8s-homelab.io/<check-id>: <reason>`.
 */
import type { Doc } from "../k8s/documents.js";

/** The annotation prefix of an opt-out: `checks.cdk8s-homelab.io/<check-id>`. */
export const OPT_OUT_PREFIX = "checks.cdk8s-homelab.io/";

/** The reason `doc` opts out of `checkId`, or undefined when it does not. */
export function optOutReason(doc: Doc, checkId: string): string | undefined {
  const annotations = (doc.metadata as { annotations?: Record<string, unknown> }).annotations;
  const reason = annotations?.[`${OPT_OUT_PREFIX}${checkId}`];
  return typeof reason === "string" ? reason : undefined;
}
