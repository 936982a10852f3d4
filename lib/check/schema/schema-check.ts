/** The `schema` check: every rendered document against its schema (see validate.ts). */
import type { Check } from "../check.js";
import { describeObject, type Finding } from "../finding.js";
import { formatPath } from "../../model/problems.js";
import { SCHEMA_RULES } from "./rules.js";
import { validateDocument } from "./validate.js";

/** The id of the schema check. */
export const SCHEMA_CHECK_ID = "schema";

/**
 * Validates every rendered document as the API server would (with `kubectl apply --validate=strict`):
 * core kinds with kubernetes-models, custom resources with the CRD schemas bundled in the package,
 * unknown fields as errors, names and labels, and the CEL rules listed in rules.ts. Not skippable:
 * the cluster would reject (or silently prune) what it finds.
 */
export const schemaCheck: Check = {
  id: SCHEMA_CHECK_ID,
  doc:
    "every document matches its Kubernetes or bundled CRD schema: no unknown fields, right types, required " +
    `fields, enums, names and labels, and ${SCHEMA_RULES.length} CEL rules`,
  severity: "error",
  skippable: false,
  run: (ctx) => {
    const findings: Finding[] = [];
    for (const d of ctx.documents) {
      const problems = validateDocument(d.doc);
      if (problems.length === 0) continue;
      const object = describeObject(d.doc);
      for (const p of problems) {
        findings.push({
          check: SCHEMA_CHECK_ID,
          severity: "error",
          file: d.file,
          object,
          path: formatPath(p.path),
          construct: d.construct,
          message: p.message,
          fix: p.fix,
        });
      }
    }
    return findings;
  },
};
