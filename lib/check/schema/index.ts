/** Schema checks: every rendered document against the upstream schemas bundled in imports/. */
import type { Check } from "../check.js";

/** The checks of this family, in report order. */
export const schemaChecks: readonly Check[] = [];
