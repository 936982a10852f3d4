/** Findings about a rendered document, located by its file, object, JSON path and construct. */
import type { CheckedDocument } from "../context.js";
import { describeObject, type Finding, type Severity } from "../finding.js";

/** A finding of `check` about `source`'s document at `path`. */
export function findingAt(
  check: { readonly id: string; readonly severity: Severity },
  source: CheckedDocument,
  path: string | undefined,
  message: string,
  fix: string,
): Finding {
  return {
    check: check.id,
    severity: check.severity,
    file: source.file,
    object: describeObject(source.doc),
    ...(path === undefined ? {} : { path }),
    construct: source.construct,
    message,
    fix,
  };
}
