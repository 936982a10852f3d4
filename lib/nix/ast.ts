/**
 * A small, typed, immutable AST for the subset of the Nix language that this
 * project generates (data files such as `vars.nix`, NixOS module stubs and
 * host role imports), plus validating builders.
 *
 * Design rules:
 * - Every node is a plain frozen object discriminated by `kind`.
 * - Builders (`nix.*`) validate eagerly and throw {@link NixPrintError} with a
 *   message naming the problem, so invalid data never reaches a file.
 *   The printer validates again, so hand-written node literals are safe too.
 * - Values are kept exact: integers are `bigint` (Nix integers are signed
 *   64-bit), floats are JS doubles and are printed so that Nix parses back
 *   the identical double (see `printer.ts`).
 *
 * @module
 */

import { describeValue, formatPath } from "../model/problems.js";

/** Error thrown for anything that cannot be represented as (or printed to) valid Nix. */
export class NixPrintError extends Error {
  override readonly name = "NixPrintError";
  constructor(message: string) {
    super(message);
  }
}

// ---------------------------------------------------------------------------
// Node types
// ---------------------------------------------------------------------------

/** `null` */
export interface NixNull {
  readonly kind: "null";
}
/** `true` / `false` */
export interface NixBool {
  readonly kind: "bool";
  readonly value: boolean;
}
/** A signed 64-bit Nix integer. */
export interface NixInt {
  readonly kind: "int";
  readonly value: bigint;
}
/** A Nix float (IEEE-754 double); must be finite. */
export interface NixFloat {
  readonly kind: "float";
  readonly value: number;
}
/** A string, always printed double-quoted with escapes. Must not contain NUL or lone surrogates. */
export interface NixString {
  readonly kind: "string";
  readonly value: string;
}
/**
 * A path *literal* such as `./roles/k3s.nix`, `../x.nix` or `/etc/hosts`.
 * `value` must be a valid Nix path literal (see {@link isPathLiteral});
 * use {@link nix.path} to get a literal-or-fallback expression for any path.
 */
export interface NixPath {
  readonly kind: "path";
  readonly value: string;
}
/** `[ a b c ]` */
export interface NixList {
  readonly kind: "list";
  readonly items: readonly NixExpr[];
}
/** One `name = value;` binding; `name` is an arbitrary string (quoted when needed). */
export type NixBinding = readonly [name: string, value: NixExpr];
/** `{ a = 1; }` or `rec { a = 1; }`; entries keep their order; names must be unique. */
export interface NixAttrs {
  readonly kind: "attrs";
  readonly entries: readonly NixBinding[];
  /**
   * Recursive set (`rec { … }`). Note that Nix gives the attribute name
   * `__overrides` a special meaning inside `rec` sets.
   * @default false - a plain set
   */
  readonly rec?: boolean;
}
/** A variable reference such as `lib`; must be a valid, non-keyword Nix identifier. */
export interface NixIdent {
  readonly kind: "ident";
  readonly name: string;
}
/** `expr.a.b` (optionally `expr.a.b or default`); path components are arbitrary strings. */
export interface NixSelect {
  readonly kind: "select";
  readonly expr: NixExpr;
  readonly path: readonly string[];
  /**
   * The value when the path is missing (`or default`).
   * @default undefined - no `or`: a missing path is an evaluation error
   */
  readonly default?: NixExpr;
}
/** Function application `fn arg1 arg2 …` (at least one argument). */
export interface NixApply {
  readonly kind: "apply";
  readonly fn: NixExpr;
  readonly args: readonly NixExpr[];
}
/** A set-pattern lambda header: `{ config, lib, pkgs, ... }:` */
export interface NixSetPattern {
  readonly formals: readonly string[];
  readonly ellipsis: boolean;
}
/** `x: body` (param is an identifier) or `{ a, b, ... }:\nbody` (param is a set pattern). */
export interface NixLambda {
  readonly kind: "lambda";
  readonly param: string | NixSetPattern;
  readonly body: NixExpr;
}
/** `let a = 1; in body`; binding names must be unique. */
export interface NixLet {
  readonly kind: "let";
  readonly bindings: readonly NixBinding[];
  readonly body: NixExpr;
}
/** Binary operators supported by the printer. Currently only `+` (addition / string and path concatenation). */
export type NixBinaryOp = "+";
/** `left + right` */
export interface NixBinary {
  readonly kind: "binary";
  readonly op: NixBinaryOp;
  readonly left: NixExpr;
  readonly right: NixExpr;
}

/** Any Nix expression node. */
export type NixExpr =
  | NixNull
  | NixBool
  | NixInt
  | NixFloat
  | NixString
  | NixPath
  | NixList
  | NixAttrs
  | NixIdent
  | NixSelect
  | NixApply
  | NixLambda
  | NixLet
  | NixBinary;

/** A whole `.nix` file: optional `# …` header comment lines followed by one expression. */
export interface NixFile {
  readonly header: readonly string[];
  readonly body: NixExpr;
}

// ---------------------------------------------------------------------------
// Lexical facts about Nix (checked against Nix 2.8's lexer.l / parser.y)
// ---------------------------------------------------------------------------

/** Smallest Nix integer, -2^63. */
export const NIX_INT_MIN = -(2n ** 63n);
/** Largest Nix integer, 2^63 - 1 (also the largest integer *literal*). */
export const NIX_INT_MAX = 2n ** 63n - 1n;

/**
 * Words the Nix 2.8 lexer turns into keyword tokens. They can never be
 * identifiers. `or` is accepted by the 2.8 grammar as a bare attribute name,
 * but we still quote it (and every other keyword) in attribute position:
 * always valid and unambiguous for readers and other parsers.
 */
export const NIX_KEYWORDS: ReadonlySet<string> = new Set([
  "if",
  "then",
  "else",
  "assert",
  "with",
  "let",
  "in",
  "rec",
  "inherit",
  "or",
]);

/** Nix 2.8 `ID` token: `[a-zA-Z_][a-zA-Z0-9_'-]*`. */
const ID_RE = /^[A-Za-z_][A-Za-z0-9_'-]*$/;

/** True when `name` can be written bare (as a variable, formal or attribute name). */
export function isBareIdentifier(name: string): boolean {
  return ID_RE.test(name) && !NIX_KEYWORDS.has(name);
}

/**
 * Nix 2.8 `PATH` token: `{PATH_CHAR}*(\/{PATH_CHAR}+)+\/?` with
 * `PATH_CHAR = [a-zA-Z0-9._\-+]`. A trailing slash is a parse error
 * ("path has a trailing slash"), so we exclude it. We additionally require
 * the literal to start with `/`, `./` or `../` (bare `a/b` would also lex as
 * a path, but it is easy to misread, so we never emit it).
 */
const PATH_LITERAL_RE = /^(?:\/|\.\/|\.\.\/)(?:[A-Za-z0-9._\-+]+\/)*[A-Za-z0-9._\-+]+$/;

/** True when `p` can be printed verbatim as a Nix path literal. */
export function isPathLiteral(p: string): boolean {
  // The regex forbids empty segments ("//"), a trailing slash and any
  // character outside PATH_CHAR (spaces, "$", "~", non-ASCII, …).
  return PATH_LITERAL_RE.test(p);
}

/** Lone (unpaired) UTF-16 surrogates cannot be encoded as UTF-8. */
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws unless `s` can be a Nix string (no NUL, well-formed UTF-16). */
export function assertNixString(s: unknown, what = "string"): asserts s is string {
  if (typeof s !== "string") {
    throw new NixPrintError(`${what} must be a string, got ${describeValue(s)}`);
  }
  const nul = s.indexOf("\0");
  if (nul !== -1) {
    throw new NixPrintError(
      `${what} ${describeValue(s)} contains a NUL character at index ${nul}; Nix strings cannot hold NUL bytes`,
    );
  }
  const m = LONE_SURROGATE_RE.exec(s);
  if (m) {
    throw new NixPrintError(
      `${what} ${describeValue(s)} contains a lone UTF-16 surrogate at index ${m.index}; it cannot be written as UTF-8`,
    );
  }
}

/** Throws unless `n` is a bigint within Nix's signed 64-bit integer range. */
export function assertNixInt(n: unknown): asserts n is bigint {
  if (typeof n !== "bigint") {
    throw new NixPrintError(`integer value must be a bigint, got ${describeValue(n)}`);
  }
  if (n < NIX_INT_MIN || n > NIX_INT_MAX) {
    throw new NixPrintError(`integer ${n} is outside Nix's signed 64-bit range [${NIX_INT_MIN}, ${NIX_INT_MAX}]`);
  }
}

/** Throws unless `x` is a finite number (Nix has no NaN/Infinity literals). */
export function assertNixFloat(x: unknown): asserts x is number {
  if (typeof x !== "number") {
    throw new NixPrintError(`float value must be a number, got ${describeValue(x)}`);
  }
  if (!Number.isFinite(x)) {
    throw new NixPrintError(`float ${x} is not finite; Nix has no NaN or Infinity literals`);
  }
}

/** Throws unless `name` is a valid non-keyword identifier. */
export function assertIdentifier(name: unknown, what = "identifier"): asserts name is string {
  if (typeof name !== "string" || !isBareIdentifier(name)) {
    const why =
      typeof name === "string" && NIX_KEYWORDS.has(name)
        ? "it is a Nix keyword"
        : "it must match [A-Za-z_][A-Za-z0-9_'-]*";
    throw new NixPrintError(`invalid ${what} ${describeValue(name)}: ${why}`);
  }
}

/**
 * Names the printer relies on being the builtins: `true`, `false` and `null`
 * are printed as identifiers, and negative numbers / `-0.0` / subnormals /
 * the minimum integer desugar to calls of `__sub` and `__mul`. Binding one of
 * these names (let, lambda parameter, `rec` set attribute) would silently
 * change what nested printed literals mean, so such bindings are rejected.
 */
export const SHADOW_SENSITIVE_NAMES: ReadonlySet<string> = new Set(["true", "false", "null", "__sub", "__mul"]);

/** Throws when binding `name` in scope would change the meaning of printed literals. */
export function assertBindableName(name: string, what: string): void {
  if (SHADOW_SENSITIVE_NAMES.has(name)) {
    throw new NixPrintError(
      `${what} ${JSON.stringify(name)} would shadow a builtin that printed literals rely on ` +
        `(${[...SHADOW_SENSITIVE_NAMES].join(", ")}); choose another name`,
    );
  }
}

/** Throws when `names` has a duplicate. */
export function assertUniqueNames(names: Iterable<string>, what: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new NixPrintError(`duplicate ${what} ${JSON.stringify(n)}`);
    seen.add(n);
  }
}

/** Throws unless `formals` are the parameters of a set pattern: identifiers, bindable, no two alike. */
export function assertFormals(formals: readonly string[]): void {
  formals.forEach((f) => {
    assertIdentifier(f, "formal parameter");
    assertBindableName(f, "formal parameter");
  });
  assertUniqueNames(formals, "formal function argument");
}

/** Nodes created by the builders; lets {@link nix.fromJson} embed them inside plain data. */
const BUILT = new WeakSet<object>();

function mk<T extends NixExpr>(node: T): T {
  Object.freeze(node);
  BUILT.add(node);
  return node;
}

/** True when `v` is an AST node created by one of the `nix.*` builders. */
export function isNixExpr(v: unknown): v is NixExpr {
  return typeof v === "object" && v !== null && BUILT.has(v);
}

function assertExpr(v: unknown, what: string): asserts v is NixExpr {
  if (typeof v !== "object" || v === null || typeof (v as { kind?: unknown }).kind !== "string") {
    throw new NixPrintError(`${what} must be a Nix expression node, got ${describeValue(v)}`);
  }
}

/**
 * Accepted forms for attribute entries: `[name, expr]` pairs (printed in
 * array order) or a record (printed in JS property order, which is insertion
 * order except that integer-like keys such as `"10"` come first, ascending).
 */
export type NixEntriesInput = Readonly<Record<string, NixExpr>> | readonly (readonly [string, NixExpr])[];

function toEntries(input: NixEntriesInput, what: string, scoped = false): readonly NixBinding[] {
  const raw: (readonly [string, unknown])[] = Array.isArray(input)
    ? (input as readonly (readonly [string, NixExpr])[]).map((e, i) => {
        if (!Array.isArray(e) || e.length !== 2) {
          throw new NixPrintError(`${what} entry #${i} must be a [name, expr] pair`);
        }
        return [e[0], e[1]] as const;
      })
    : Object.entries(input as Record<string, NixExpr>);
  const out: NixBinding[] = [];
  for (const [name, value] of raw) {
    assertNixString(name, `${what} name`);
    if (scoped) assertBindableName(name, `${what} name`);
    assertExpr(value, `value of ${what} ${JSON.stringify(name)}`);
    out.push(Object.freeze([name, value] as const));
  }
  assertUniqueNames(
    out.map(([n]) => n),
    `${what} name`,
  );
  return Object.freeze(out);
}

/** Splits a path into the literal-or-fallback form used by {@link nix.path}. */
function pathExpr(p: string): NixExpr {
  assertNixString(p, "path");
  if (p === "") throw new NixPrintError("path must not be empty");
  const absolute = p.startsWith("/");
  let norm = p;
  // Nix canonicalises paths (no trailing slash); a literal cannot end in "/".
  while (norm.length > 1 && norm.endsWith("/")) norm = norm.slice(0, -1);
  if (absolute) {
    if (norm === "/") norm = "/.";
  } else if (!norm.startsWith("./") && !norm.startsWith("../")) {
    // "." / ".." / "roles/x.nix" → "./." / "./.." / "./roles/x.nix"
    norm = `./${norm}`;
  }
  if (isPathLiteral(norm)) return mk<NixPath>({ kind: "path", value: norm });
  // Fallback: `./. + "/rest"` or `/. + "/rest"`. Nix canonicalises the result
  // of path + string (resolving ".", ".." and duplicate slashes), so this
  // denotes the same path as the (unwritable) literal would.
  const base = absolute ? "/." : "./.";
  const suffix = absolute ? norm : norm.startsWith("./") ? norm.slice(1) : `/${norm}`;
  return mk<NixBinary>({
    kind: "binary",
    op: "+",
    left: mk<NixPath>({ kind: "path", value: base }),
    right: mk<NixString>({ kind: "string", value: suffix }),
  });
}

/** Converts plain JS data to an AST (see {@link nix.fromJson}). */
function fromJson(value: unknown, where: string, stack: Set<object>): NixExpr {
  if (value === null) return nix.null();
  switch (typeof value) {
    case "boolean":
      return nix.bool(value);
    case "bigint":
      return wrap(where, () => nix.int(value));
    case "number":
      if (Number.isInteger(value)) {
        if (!Number.isSafeInteger(value)) {
          throw new NixPrintError(
            `at ${where}: the number ${value} is an integer outside ±(2^53-1) and may already have lost precision; ` +
              `pass a bigint (e.g. ${BigInt(value)}n) for a Nix integer, or nix.float(${value}) for a Nix float`,
          );
        }
        return nix.int(value);
      }
      return wrap(where, () => nix.float(value));
    case "string":
      return wrap(where, () => nix.str(value));
    case "undefined":
      throw new NixPrintError(`at ${where}: undefined cannot be represented in Nix (use null or omit the key)`);
    case "function":
    case "symbol":
      throw new NixPrintError(`at ${where}: ${describeValue(value)} cannot be represented in Nix`);
  }
  const obj = value as object;
  if (isNixExpr(obj)) return obj;
  if (stack.has(obj)) throw new NixPrintError(`at ${where}: cyclic reference`);
  stack.add(obj);
  try {
    if (Array.isArray(obj)) {
      const items: NixExpr[] = [];
      for (let i = 0; i < obj.length; i++) {
        if (!(i in obj)) throw new NixPrintError(`at ${where}[${i}]: sparse array hole cannot be represented in Nix`);
        items.push(fromJson(obj[i], formatPath([i], where), stack));
      }
      return nix.list(items);
    }
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      throw new NixPrintError(
        `at ${where}: ${describeValue(obj)} is not a plain object; convert it to plain data first`,
      );
    }
    if (Object.getOwnPropertySymbols(obj).length > 0) {
      throw new NixPrintError(`at ${where}: objects with symbol keys cannot be represented in Nix`);
    }
    const entries: [string, NixExpr][] = [];
    for (const key of Object.keys(obj)) {
      const sub = formatPath([key], where);
      wrap(sub, () => assertNixString(key, "attribute name"));
      entries.push([key, fromJson((obj as Record<string, unknown>)[key], sub, stack)]);
    }
    return nix.attrs(entries);
  } finally {
    stack.delete(obj);
  }
}

function wrap<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof NixPrintError && !e.message.startsWith("at ")) {
      throw new NixPrintError(`at ${where}: ${e.message}`);
    }
    throw e;
  }
}

/**
 * Validating builders for {@link NixExpr} nodes. All returned nodes are frozen.
 *
 * @example
 * nix.lambda({ formals: ["config", "lib", "pkgs"], ellipsis: true },
 *   nix.attrs({ imports: nix.list([nix.path("./roles/k3s.nix")]) }))
 */
export const nix = {
  /** `null` */
  null(): NixNull {
    return mk<NixNull>({ kind: "null" });
  },
  /** `true` / `false` */
  bool(b: boolean): NixBool {
    if (typeof b !== "boolean") throw new NixPrintError(`bool value must be a boolean, got ${describeValue(b)}`);
    return mk<NixBool>({ kind: "bool", value: b });
  },
  /**
   * A Nix integer. A `number` must be a safe integer (|n| ≤ 2^53-1); larger
   * values must be passed as `bigint` so no precision is silently lost.
   * The value must fit in signed 64 bits.
   */
  int(n: number | bigint): NixInt {
    let v: bigint;
    if (typeof n === "number") {
      if (!Number.isInteger(n)) throw new NixPrintError(`int value ${n} is not an integer (use nix.float)`);
      if (!Number.isSafeInteger(n)) {
        throw new NixPrintError(
          `int value ${n} is outside the safe integer range ±(2^53-1) and may have lost precision; pass a bigint instead`,
        );
      }
      v = BigInt(n);
    } else {
      v = n;
    }
    assertNixInt(v);
    return mk<NixInt>({ kind: "int", value: v });
  },
  /** A Nix float; must be finite. Integral values still print as floats (`1.0`). */
  float(x: number): NixFloat {
    assertNixFloat(x);
    return mk<NixFloat>({ kind: "float", value: x });
  },
  /** A string literal; rejects NUL and lone surrogates. */
  str(s: string): NixString {
    assertNixString(s);
    return mk<NixString>({ kind: "string", value: s });
  },
  /**
   * A filesystem path. Relative paths are relative to the generated file's
   * directory (`roles/x.nix` is treated as `./roles/x.nix`), absolute paths
   * start with `/`. Returns a path literal when Nix's path grammar allows it
   * (`./roles/k3s.nix`), otherwise the equivalent expression
   * `./. + "/with space.nix"` (or `/. + "/…"` for absolute paths).
   * Trailing slashes are dropped (Nix paths never keep them).
   */
  path(p: string): NixPath | NixBinary {
    return pathExpr(p) as NixPath | NixBinary;
  },
  /** `[ … ]` */
  list(items: readonly NixExpr[]): NixList {
    if (!Array.isArray(items)) throw new NixPrintError(`list items must be an array, got ${describeValue(items)}`);
    items.forEach((it, i) => assertExpr(it, `list item #${i}`));
    return mk<NixList>({ kind: "list", items: Object.freeze([...items]) });
  },
  /** `{ name = value; … }` from a record (insertion order) or `[name, expr]` pairs. */
  attrs(entries: NixEntriesInput, opts?: { rec?: boolean }): NixAttrs {
    const node: NixAttrs = opts?.rec
      ? { kind: "attrs", entries: toEntries(entries, "rec attribute", true), rec: true }
      : { kind: "attrs", entries: toEntries(entries, "attribute") };
    return mk(node);
  },
  /** A variable reference such as `lib` or `pkgs`. */
  ident(name: string): NixIdent {
    assertIdentifier(name);
    return mk<NixIdent>({ kind: "ident", name });
  },
  /**
   * `expr.a.b` — `path` is a single attribute name or a list of names
   * (arbitrary strings, quoted when needed). `expr` may be an identifier name.
   * With `orDefault`, prints `expr.a.b or default`.
   */
  select(expr: NixExpr | string, path: string | readonly string[], orDefault?: NixExpr): NixSelect {
    const base = typeof expr === "string" ? nix.ident(expr) : expr;
    assertExpr(base, "select base");
    const parts = typeof path === "string" ? [path] : [...path];
    if (parts.length === 0) throw new NixPrintError("select needs at least one attribute name");
    parts.forEach((p) => assertNixString(p, "attribute name"));
    if (orDefault !== undefined) assertExpr(orDefault, "select default");
    const node: NixSelect =
      orDefault === undefined
        ? { kind: "select", expr: base, path: Object.freeze(parts) }
        : { kind: "select", expr: base, path: Object.freeze(parts), default: orDefault };
    return mk(node);
  },
  /** Function application `fn arg1 arg2 …`. `fn` may be an identifier name. */
  apply(fn: NixExpr | string, ...args: NixExpr[]): NixApply {
    const f = typeof fn === "string" ? nix.ident(fn) : fn;
    assertExpr(f, "applied function");
    if (args.length === 0) throw new NixPrintError("apply needs at least one argument");
    args.forEach((a, i) => assertExpr(a, `argument #${i}`));
    return mk<NixApply>({ kind: "apply", fn: f, args: Object.freeze([...args]) });
  },
  /**
   * A lambda. `param` is either an identifier (`x: body`) or a set pattern —
   * given as an array of formal names or as `{ formals, ellipsis }` — which
   * prints as `{ config, lib, ... }:` followed by the body on the next line.
   * `opts.ellipsis` adds `...` to an array pattern.
   *
   * @example
   * nix.lambda("x", nix.ident("x"))                                   // x: x
   * nix.lambda(["config", "lib"], body, { ellipsis: true })           // { config, lib, ... }:
   * nix.lambda({ formals: ["pkgs"], ellipsis: true }, body)           // { pkgs, ... }:
   */
  lambda(
    param: string | readonly string[] | { readonly formals: readonly string[]; readonly ellipsis?: boolean },
    body: NixExpr,
    opts?: { readonly ellipsis?: boolean },
  ): NixLambda {
    assertExpr(body, "lambda body");
    if (typeof param === "string") {
      if (opts?.ellipsis) throw new NixPrintError("ellipsis needs a set pattern, not an identifier parameter");
      assertIdentifier(param, "lambda parameter");
      assertBindableName(param, "lambda parameter");
      return mk<NixLambda>({ kind: "lambda", param, body });
    }
    const isArray = Array.isArray(param);
    const formals = [...(isArray ? (param as readonly string[]) : (param as { formals: readonly string[] }).formals)];
    const ellipsis = isArray
      ? (opts?.ellipsis ?? false)
      : ((param as { ellipsis?: boolean }).ellipsis ?? opts?.ellipsis ?? false);
    assertFormals(formals);
    const pattern: NixSetPattern = Object.freeze({ formals: Object.freeze(formals), ellipsis });
    return mk<NixLambda>({ kind: "lambda", param: pattern, body });
  },
  /** `let bindings in body` */
  let(bindings: NixEntriesInput, body: NixExpr): NixLet {
    assertExpr(body, "let body");
    return mk<NixLet>({ kind: "let", bindings: toEntries(bindings, "let binding", true), body });
  },
  /** `left op right` (only `+` for now). */
  binary(op: NixBinaryOp, left: NixExpr, right: NixExpr): NixBinary {
    if (op !== "+") throw new NixPrintError(`unsupported binary operator ${describeValue(op)}`);
    assertExpr(left, "left operand");
    assertExpr(right, "right operand");
    return mk<NixBinary>({ kind: "binary", op, left, right });
  },
  /** `left + right` */
  add(left: NixExpr, right: NixExpr): NixBinary {
    return nix.binary("+", left, right);
  },
  /**
   * Converts plain JS data to an AST:
   * `null` → null, boolean → bool, bigint → int, safe-integer number → int,
   * other finite number → float, string → string, array → list,
   * plain object (own enumerable string keys, in JS property order: insertion
   * order, except integer-like keys first) → attrs.
   * Nodes created by `nix.*` builders may be embedded anywhere and are kept
   * as-is. Throws {@link NixPrintError} (with the location, e.g.
   * `at $.nodes[2].ip`) for undefined, functions, symbols, non-plain objects
   * (Date, Map, class instances), cycles, sparse arrays, and integral numbers
   * beyond ±(2^53-1) (pass a bigint, or use `nix.float`).
   */
  fromJson(value: unknown): NixExpr {
    return fromJson(value, "$", new Set());
  },
  /** A file: header comment lines (printed as `# line`) followed by `body`. */
  file(body: NixExpr, header: readonly string[] = []): NixFile {
    assertExpr(body, "file body");
    header.forEach((h) => assertNixString(h, "header line"));
    return Object.freeze({ header: Object.freeze([...header]), body });
  },
} as const;
