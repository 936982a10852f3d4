/** Every check the product runs, in the order their findings are reported. */
import type { Check } from "./check.js";
import { schemaChecks } from "./schema/index.js";
import { policyChecks } from "./policies/index.js";
import { referenceChecks } from "./references/index.js";

/** All checks: schemas first (a document the API server rejects makes other findings noise), then references, then policies. */
export const CHECKS: readonly Check[] = [...schemaChecks, ...referenceChecks, ...policyChecks];
