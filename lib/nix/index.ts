/**
 * Typed Nix AST, validating builders and a nixfmt-style printer whose output
 * is checked against the real Nix 2.8 evaluator.
 *
 * @example
 * import { nix, printNixFile } from "cdk8s-homelab/nix";
 * printNixFile(nix.file(nix.fromJson({ hostName: "node1", port: 6443 }), ["Generated — do not edit"]));
 *
 * @module
 */
export {
  NixPrintError,
  NIX_INT_MAX,
  NIX_INT_MIN,
  NIX_KEYWORDS,
  SHADOW_SENSITIVE_NAMES,
  isBareIdentifier,
  isNixExpr,
  isPathLiteral,
  nix,
} from "./ast.js";
export type {
  NixApply,
  NixAttrs,
  NixBinary,
  NixBinaryOp,
  NixBinding,
  NixBool,
  NixEntriesInput,
  NixExpr,
  NixFile,
  NixFloat,
  NixIdent,
  NixInt,
  NixLambda,
  NixLet,
  NixList,
  NixNull,
  NixPath,
  NixSelect,
  NixSetPattern,
  NixString,
} from "./ast.js";
export { attrName, printNix, printNixFile, quoteString } from "./printer.js";
export type { PrintNixOptions } from "./printer.js";
