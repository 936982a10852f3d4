/**
 * Typed Nix AST, validating builders and a nixfmt-style printer whose output
 * is checked against the real Nix 2.8 evaluator: `cdk8s-homelab/nix`.
 *
 * This is the package's public API for Nix: the builders, the printer and the node types. The emitter of
 * nix/ (run by synth) and the printer's helpers are internal.
 *
 * @example
 * import { nix, printNixFile } from "cdk8s-homelab/nix";
 * printNixFile(nix.file(nix.fromJson({ hostName: "node1", port: 6443 }), ["Generated — do not edit"]));
 *
 * @module
 */
export { NixPrintError, nix } from "./ast.js";
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
export { printNix, printNixFile } from "./printer.js";
export type { PrintNixOptions } from "./printer.js";
export type { VarsMapping, VarsValue } from "./vars-shape.js";
