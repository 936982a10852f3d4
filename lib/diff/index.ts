/**
 * `diff`: what a change of the lab does, before it is committed. Compare two generated trees
 * (path -> text) with {@link diffLab}, print the result with {@link formatLabDiff}; read the
 * committed tree with {@link readCommittedTree}.
 *
 * Internal to the library (no entry point of package.json exports it): scripts and CI run
 * `cdk8s-homelab diff` (`--json` for a machine-readable report).
 *
 * @example
 * const committed = readCommittedTree(root);
 * const diff = diffLab(committed.files, render(lab).files);
 * process.stdout.write(formatLabDiff(diff, { color: process.stdout.isTTY }));
 * process.exitCode = hasChanges(diff) ? 1 : 0;
 *
 * @module
 */
export { diffLab, hasChanges } from "./diff.js";
export { formatLabDiff, formatValue, type FormatLabDiffOptions } from "./format.js";
export { readCommittedTree, type CommittedTree } from "./committed.js";
export { NixParseError, nixValue, parseNix, type JsonValue } from "./nix-parse.js";
export {
  apiGroup,
  fluxLayers,
  layerOf,
  readDocuments,
  resourceKey,
  resourceLabel,
  DocumentError,
  type FluxLayer,
  type KubeDocument,
} from "./documents.js";
export { LOAD_BALANCER_IPS_ANNOTATION } from "./warnings.js";
export type {
  DangerKind,
  DangerWarning,
  FieldChange,
  FileNote,
  HostChange,
  K3sRole,
  LabDiff,
  NixDiff,
  ResourceChange,
} from "./types.js";
