/**
 * Placeholders: values a lab starts with when the facts are not known yet (an imported `vars.nix` holds no
 * Flux repository or ACME e-mail). They use the reserved `.invalid` top-level domain (RFC 2606), which never
 * resolves, so the lab synthesizes at once and synth warns until they are replaced.
 */
import type { ProblemCollector, SpecPath } from "./problems.js";

/** True when `value` (a URL or an e-mail address) names a host under `.invalid`. */
export function isPlaceholder(value: string): boolean {
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:?#]*)/i.exec(value);
  const host = url !== null ? url[1]! : value.slice(value.lastIndexOf("@") + 1);
  return /(?:^|\.)invalid\.?$/i.test(host);
}

/** Records a warning at `path` when `value` is a placeholder. */
export function placeholderWarning(c: ProblemCollector, path: SpecPath, value: string, what: string): void {
  if (!isPlaceholder(value)) return;
  c.warning(path, `"${value}" is a placeholder (a .invalid name)`, `Replace it with ${what}.`);
}
