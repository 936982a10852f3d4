/**
 * Printer for the Nix AST in `ast.ts`. The output is valid for Nix 2.8 and
 * laid out like nixfmt (two-space indent, one binding / list element per
 * line, `{ }` and `[ ]` for empty containers). Printing is deterministic:
 * the same AST always yields the same bytes.
 *
 * Exactness guarantees (verified against the real `nix-instantiate` by the
 * test suite):
 * - strings: `\`, `"`, newline, CR, tab and every `${` are escaped; any other
 *   character (including other control characters and all of Unicode) is
 *   written as-is in UTF-8, which Nix keeps byte-for-byte.
 * - integers: every value in [-2^63, 2^63-1]; negative values use unary minus
 *   and -2^63 (which has no literal) is written `-9223372036854775807 - 1`.
 * - floats: every finite double parses back to the identical double. Normal
 *   values use the shortest round-trip digits in a form Nix's FLOAT token
 *   accepts (`1.0e+21`, never `1e+21`). Two kinds of values have no literal in
 *   Nix 2.8 and are written as exact arithmetic instead:
 *   - `-0.0` (unary minus is `0 - x`, which yields +0.0): `0.0 * -1`;
 *   - subnormals (|x| < 2^-1022): Nix 2.8 rejects such literals ("invalid
 *     float", strtod sets ERANGE), so they are printed as
 *     `m * 2.2250738585072014e-308` where `m = x·2^1022` is normal and the
 *     product is exact.
 *
 * Hygiene: `true`/`false`/`null` are identifiers in Nix, and unary minus,
 * `-` and `*` desugar to calls of `__sub` / `__mul`. The printer therefore
 * refuses to *bind* those names (let, lambda parameters, `rec` attributes;
 * see `SHADOW_SENSITIVE_NAMES`). Code outside the printed file cannot shadow
 * them, except through `with` scopes, which this AST does not produce.
 *
 * @module
 */
import {
  NixPrintError,
  NIX_INT_MIN,
  assertBindableName,
  assertFormals,
  assertIdentifier,
  assertNixFloat,
  assertNixInt,
  assertNixString,
  assertUniqueNames,
  isBareIdentifier,
  isPathLiteral,
  type NixBinding,
  type NixExpr,
  type NixFile,
} from "./ast.js";
import { describeValue } from "../model/problems.js";

/** Options for {@link printNix}. */
export interface PrintNixOptions {
  /**
   * Spaces per indentation level, 1 to 16.
   * @default 2 - like nixfmt
   */
  readonly indentWidth?: number;
  /**
   * Append a final newline ({@link printNixFile} always ends with one).
   * @default false
   */
  readonly trailingNewline?: boolean;
}

// Precedence levels, loosest to tightest (after Nix 2.8's parser.y).
/** lambda, let: extend as far right as possible */
const FUNC = 0;
/** binary `+` / `-` (left-associative) */
const ADD = 1;
/** binary `*` */
const MUL = 2;
/** unary minus */
const NEG = 3;
/** function application */
const APP = 4;
/** `a.b or c` */
const SELECT_OR = 5;
/** literals, identifiers, `a.b`, lists, sets, parenthesised expressions */
const SIMPLE = 6;

/** 2^-1022, the smallest normal double; its shortest decimal form parses back exactly. */
const MIN_NORMAL = 2 ** -1022;
const MIN_NORMAL_TEXT = floatDigits(MIN_NORMAL);

/**
 * Escapes a string as a double-quoted Nix string literal.
 *
 * `$` is escaped only when followed by `{` (a lone `$`, `$$` or a trailing
 * `$` is literal in Nix). Raw CR must be escaped because Nix normalises raw
 * CR / CRLF in string literals to LF.
 */
export function quoteString(s: string): string {
  assertNixString(s);
  return `"${s.replace(/[\\"\n\r\t]|\$(?=\{)/g, (m) => ESCAPES[m] ?? m)}"`;
}
const ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  $: "\\$",
};

/** Prints an attribute name: bare when it is a non-keyword identifier, quoted otherwise. */
export function attrName(name: string): string {
  assertNixString(name, "attribute name");
  return isBareIdentifier(name) ? name : quoteString(name);
}

/**
 * Shortest round-trip digits of a positive, normal double in a form accepted
 * by Nix's FLOAT token `(([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?`:
 * the mantissa always contains a dot (`1e+21` → `1.0e+21`, `100` → `100.0`).
 */
function floatDigits(x: number): string {
  const s = String(x); // shortest digits that round-trip (ECMAScript Number::toString)
  const e = s.indexOf("e");
  const mant = e === -1 ? s : s.slice(0, e);
  const exp = e === -1 ? "" : s.slice(e);
  return (mant.includes(".") ? mant : `${mant}.0`) + exp;
}

interface Rendered {
  readonly text: string;
  readonly level: number;
}

function renderInt(v: bigint): Rendered {
  if (v >= 0n) return { text: v.toString(), level: SIMPLE };
  if (v === NIX_INT_MIN) {
    // 9223372036854775808 is not a valid literal ("invalid integer").
    return { text: `-${-(v + 1n)} - 1`, level: ADD };
  }
  return { text: `-${-v}`, level: NEG };
}

function renderFloat(x: number): Rendered {
  if (x === 0) {
    // `-0.0` would parse as `0 - 0.0` = +0.0; multiplication keeps the sign.
    return Object.is(x, -0) ? { text: "0.0 * -1", level: MUL } : { text: "0.0", level: SIMPLE };
  }
  const neg = x < 0;
  const abs = Math.abs(x);
  const sign = neg ? "-" : "";
  if (abs < MIN_NORMAL) {
    // Subnormal: scaling by 2^1022 is exact, and so is the product in Nix.
    return { text: `${sign}${floatDigits(abs / MIN_NORMAL)} * ${MIN_NORMAL_TEXT}`, level: MUL };
  }
  return { text: sign + floatDigits(abs), level: neg ? NEG : SIMPLE };
}

/**
 * Precedence level of the text `render` produces for `e`, computed without
 * rendering (so deciding on parentheses never renders a subtree twice).
 * Invalid nodes get SIMPLE here and are rejected by `render`.
 */
function levelOf(e: NixExpr): number {
  if (typeof e !== "object" || e === null) return SIMPLE;
  switch (e.kind) {
    case "int":
      return typeof e.value === "bigint" ? renderInt(e.value).level : SIMPLE;
    case "float":
      return typeof e.value === "number" && Number.isFinite(e.value) ? renderFloat(e.value).level : SIMPLE;
    case "select":
      return e.default === undefined ? SIMPLE : SELECT_OR;
    case "apply":
      return APP;
    case "binary":
      return ADD;
    case "lambda":
    case "let":
      return FUNC;
    default:
      return SIMPLE;
  }
}

/**
 * Expressions printed as a multi-line block that reads best on its own lines
 * (nixfmt style): `let`, set-pattern lambdas, and identifier lambdas whose
 * body is such a block (`x:` then the block on the next line).
 */
function isBlock(e: NixExpr): boolean {
  if (e.kind === "let") return true;
  if (e.kind !== "lambda") return false;
  return typeof e.param !== "string" || isBlock(e.body);
}

class Printer {
  private readonly unit: string;
  constructor(indentWidth: number) {
    this.unit = " ".repeat(indentWidth);
  }

  /** Renders `e` at `indent`; the first line is unindented, later lines carry absolute indentation. */
  render(e: NixExpr, indent: string): Rendered {
    if (typeof e !== "object" || e === null) {
      throw new NixPrintError(`expected a Nix expression node, got ${describeValue(e)}`);
    }
    switch (e.kind) {
      case "null":
        return { text: "null", level: SIMPLE };
      case "bool":
        if (typeof (e.value as unknown) !== "boolean") {
          throw new NixPrintError(`bool node has non-boolean value ${describeValue(e.value)}`);
        }
        return { text: e.value ? "true" : "false", level: SIMPLE };
      case "int":
        assertNixInt(e.value);
        return renderInt(e.value);
      case "float":
        assertNixFloat(e.value);
        return renderFloat(e.value);
      case "string":
        return { text: quoteString(e.value), level: SIMPLE };
      case "path":
        assertNixString(e.value, "path");
        if (!isPathLiteral(e.value)) {
          throw new NixPrintError(
            `path node ${describeValue(e.value)} is not a valid Nix path literal; build it with nix.path() to get a ./. + "…" fallback`,
          );
        }
        return { text: e.value, level: SIMPLE };
      case "list": {
        if (e.items.length === 0) return { text: "[ ]", level: SIMPLE };
        const inner = indent + this.unit;
        const lines = e.items.map((it) => `${inner}${this.child(it, SIMPLE, inner)}\n`);
        return { text: `[\n${lines.join("")}${indent}]`, level: SIMPLE };
      }
      case "attrs": {
        const open = e.rec ? "rec {" : "{";
        if (e.entries.length === 0) return { text: `${open} }`, level: SIMPLE };
        const what = e.rec ? "rec attribute" : "attribute";
        const binds = this.bindings(e.entries, indent + this.unit, what, e.rec === true);
        return { text: `${open}\n${binds}${indent}}`, level: SIMPLE };
      }
      case "ident":
        assertIdentifier(e.name);
        return { text: e.name, level: SIMPLE };
      case "select": {
        if (e.path.length === 0) throw new NixPrintError("select node needs at least one attribute name");
        const b = e.expr;
        const bareBase =
          b.kind === "ident" ||
          b.kind === "attrs" ||
          b.kind === "list" ||
          b.kind === "string" ||
          b.kind === "null" ||
          b.kind === "bool" ||
          (b.kind === "select" && b.default === undefined);
        const base = bareBase ? this.render(b, indent).text : this.paren(b, indent);
        const text = `${base}.${e.path.map(attrName).join(".")}`;
        if (e.default === undefined) return { text, level: SIMPLE };
        return { text: `${text} or ${this.child(e.default, SIMPLE, indent)}`, level: SELECT_OR };
      }
      case "apply": {
        if (e.args.length === 0) throw new NixPrintError("apply node needs at least one argument");
        // `a.b or c x` would parse as `(a.b or c) x` anyway, but reads ambiguously: parenthesise.
        const fl = levelOf(e.fn);
        const fn = fl >= APP && fl !== SELECT_OR ? this.render(e.fn, indent).text : this.paren(e.fn, indent);
        const args = e.args.map((a) => this.child(a, SIMPLE, indent));
        return { text: `${fn} ${args.join(" ")}`, level: APP };
      }
      case "lambda": {
        if (typeof e.param === "string") {
          assertIdentifier(e.param, "lambda parameter");
          assertBindableName(e.param, "lambda parameter");
          // The space after ":" matters: `x:x` would lex as a URI literal.
          const sep = isBlock(e.body) ? `\n${indent}` : " ";
          return { text: `${e.param}:${sep}${this.render(e.body, indent).text}`, level: FUNC };
        }
        const { formals, ellipsis } = e.param;
        assertFormals(formals);
        const names = ellipsis ? [...formals, "..."] : [...formals];
        const header = names.length === 0 ? "{ }:" : `{ ${names.join(", ")} }:`;
        return { text: `${header}\n${indent}${this.render(e.body, indent).text}`, level: FUNC };
      }
      case "let": {
        const binds = this.bindings(e.bindings, indent + this.unit, "let binding", true);
        return { text: `let\n${binds}${indent}in\n${indent}${this.render(e.body, indent).text}`, level: FUNC };
      }
      case "binary": {
        if (e.op !== "+") throw new NixPrintError(`unsupported binary operator ${describeValue(e.op)}`);
        const l = this.child(e.left, ADD, indent);
        const r = this.child(e.right, MUL, indent);
        return { text: `${l} + ${r}`, level: ADD };
      }
      default: {
        const k = (e as { kind?: unknown }).kind;
        throw new NixPrintError(`unknown Nix expression kind ${describeValue(k)}`);
      }
    }
  }

  /** Renders `e` where the grammar needs at least precedence `min`, parenthesising otherwise. */
  private child(e: NixExpr, min: number, indent: string): string {
    return levelOf(e) >= min ? this.render(e, indent).text : this.paren(e, indent);
  }

  /** `(e)`; blocks (let, set-pattern lambdas) go on their own lines inside the parentheses. */
  private paren(e: NixExpr, indent: string): string {
    if (isBlock(e)) {
      const inner = indent + this.unit;
      return `(\n${inner}${this.render(e, inner).text}\n${indent})`;
    }
    return `(${this.render(e, indent).text})`;
  }

  /** `name = value;` lines (each ending in "\n") at `indent`. */
  private bindings(entries: readonly NixBinding[], indent: string, what: string, scoped: boolean): string {
    if (scoped) for (const [name] of entries) assertBindableName(name, `${what} name`);
    assertUniqueNames(
      entries.map(([n]) => n),
      `${what} name`,
    );
    let out = "";
    for (const [name, value] of entries) {
      const key = attrName(name);
      if (isBlock(value)) {
        const inner = indent + this.unit;
        out += `${indent}${key} =\n${inner}${this.render(value, inner).text};\n`;
      } else {
        out += `${indent}${key} = ${this.render(value, indent).text};\n`;
      }
    }
    return out;
  }
}

function printerFor(options?: PrintNixOptions): Printer {
  const w = options?.indentWidth ?? 2;
  if (!Number.isInteger(w) || w < 1 || w > 16) {
    throw new NixPrintError(`indentWidth must be an integer between 1 and 16, got ${describeValue(w)}`);
  }
  return new Printer(w);
}

/**
 * Prints one expression as Nix source (no trailing newline unless
 * `options.trailingNewline`). Throws {@link NixPrintError} for anything that
 * cannot be printed as valid, exact Nix.
 */
export function printNix(expr: NixExpr, options?: PrintNixOptions): string {
  const text = printerFor(options).render(expr, "").text;
  return options?.trailingNewline ? `${text}\n` : text;
}

/**
 * Prints a whole file: each header line as `# line` (an empty line as `#`;
 * lines containing line breaks are split, trailing whitespace is dropped),
 * then the body, then exactly one trailing newline.
 */
export function printNixFile(file: NixFile, options?: Omit<PrintNixOptions, "trailingNewline">): string {
  const header: string[] = [];
  for (const line of file.header) {
    assertNixString(line, "header line");
    // A comment ends at CR or LF, so split rather than let text escape into code.
    // Trailing whitespace is dropped, as nixfmt does.
    for (const raw of line.split(/\r\n|\r|\n/)) {
      const part = raw.trimEnd();
      header.push(part === "" ? "#" : `# ${part}`);
    }
  }
  const body = printerFor(options).render(file.body, "").text;
  return `${header.map((h) => `${h}\n`).join("")}${body}\n`;
}
