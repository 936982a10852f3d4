/** Policy checks: small pure functions over the rendered documents and the model, with defaults for small boards. */
import type { Check } from "../check.js";
import { dnsPublished } from "./dns-published.js";

/** The checks of this family, in report order. */
export const policyChecks: readonly Check[] = [dnsPublished];
