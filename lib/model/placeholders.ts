/**
 * Placeholders: values a lab starts with when the facts are not known yet (an imported `vars.nix` holds no
 * Flux repository or ACME e-mail). They use the reserved `.invalid` top-level domain (RFC 2606), which never
 * resolves, so the lab synthesizes at once and synth warns until they are replaced.
 */
import type { ProblemCollector, SpecPath } from "./problems.js";

/** True when `value` (a URL or an e-mail address) names a host under `.invalid`. */
export function isPlaceholder(value: string): boolean {
  return /\.invalid(?:[/:]|$)/i.test(value.replace(/^[a-z]+:\/\/(?:[^@/]*@)?/i, "").replace(/^[^@]*@/, ""));
}

/** Records a warning at `path` when `value` is a placeholder. */
export function placeholderWarning(c: ProblemCollector, path: SpecPath, value: string, what: string): void {
  if (!isPlaceholder(value)) return;
  c.warning(path, `"${value}" is a placeholder (a .invalid name)`, `Replace it with ${what}.`);
}
