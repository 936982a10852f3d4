/** Cross-layer and reference checks: what no single manifest shows. */
import type { Check } from "../check.js";
import { hostFirewallCheck } from "./firewall.js";
import { longhornPrerequisitesCheck } from "./longhorn-prerequisites.js";

/** The checks of this family, in report order. */
export const referenceChecks: readonly Check[] = [hostFirewallCheck, longhornPrerequisitesCheck];
