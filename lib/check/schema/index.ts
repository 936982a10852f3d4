/**
 * Schema checks: every rendered document against the upstream schemas bundled with the package
 * (core kinds through kubernetes-models, custom resources through imports/schemas/), with unknown
 * fields as errors, metadata rules, and the CEL rules mirrored in rules.ts.
 */
import type { Check } from "../check.js";
import { promqlCheck } from "./promql.js";
import { schemaCheck } from "./schema-check.js";

export { SCHEMA_CHECK_ID, schemaCheck } from "./schema-check.js";
export { GRAFANA_DASHBOARD_LABEL, PROMQL_CHECK_ID, promqlCheck } from "./promql.js";
export { SCHEMA_RULES, type SchemaRule } from "./rules.js";
export { type ValidateOptions, validateDocument } from "./validate.js";
export type { SchemaProblem } from "./problem.js";

/** The checks of this family, in report order. */
export const schemaChecks: readonly Check[] = [schemaCheck, promqlCheck];
