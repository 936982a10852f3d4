/** Policy checks: small pure functions over the rendered documents and the model, with defaults for small boards. */
import type { Check } from "../check.js";
import { containerResources } from "./container-resources.js";
import { dnsPublished } from "./dns-published.js";
import { imagePinned } from "./image-pinned.js";
import { networkPolicy } from "./network-policy.js";
import { noCpuLimit } from "./no-cpu-limit.js";
import { plaintextSecret } from "./plaintext-secret.js";
import { podSecurityLevel } from "./pod-security-level.js";
import { podSecurity } from "./pod-security.js";
import { probes } from "./probes.js";
import { scaledToZero } from "./scaled-to-zero.js";
import { volumeSize } from "./volume-size.js";

/** The checks of this family, in report order: errors first, then warnings. */
export const policyChecks: readonly Check[] = [
  podSecurity,
  plaintextSecret,
  imagePinned,
  containerResources,
  volumeSize,
  podSecurityLevel,
  noCpuLimit,
  probes,
  networkPolicy,
  scaledToZero,
  dnsPublished,
];
