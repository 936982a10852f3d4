/** Cross-layer and reference checks: what no single manifest shows. */
import type { Check } from "../check.js";
import { hostFirewallCheck } from "./firewall.js";
import { fluxDependsOn } from "./flux-depends-on.js";
import { ingressBackends } from "./ingress-backends.js";
import { ingressHosts } from "./ingress-hosts.js";
import { loadBalancerIps } from "./load-balancer-ips.js";
import { longhornPrerequisitesCheck } from "./longhorn-prerequisites.js";
import { memoryFitsNodes } from "./memory-fit.js";
import { objectReferences } from "./object-references.js";
import { storageClasses } from "./storage-classes.js";

/** The checks of this family, in report order. */
export const referenceChecks: readonly Check[] = [
  loadBalancerIps,
  ingressHosts,
  ingressBackends,
  objectReferences,
  storageClasses,
  fluxDependsOn,
  hostFirewallCheck,
  longhornPrerequisitesCheck,
  memoryFitsNodes,
];
