/**
 * A parser for the subset of Nix that lib/nix's printer emits for data files: attribute
 * sets (`rec` too), lists, strings, integers, floats, booleans, `null`, paths (literals and
 * the `./. + "/with space"` fallback), set-pattern module headers (`{ ... }:`), parentheses,
 * and the arithmetic the printer writes for numbers without a literal (`-9223372036854775807 - 1`,
 * `0.0 * -1`, subnormal floats as `m * 2.2250738585072014e-308`).
 *
 * It returns the same AST as the builders (`lib/nix/ast.ts`), so `parseNix(printNix(e))`
 * equals `e` (a property test proves it), and {@link nixValue} turns the AST into plain JSON
 * for comparing. It reads generated files quickly, with no `nix-instantiate` process;
 * anything outside the subset (a hand edit with `let`, `with`, interpolation, ...) is a
 * {@link NixParseError} naming the line and column.
 */
import type { NixExpr, NixSetPattern } from "../nix/ast.js";

/** Thrown for text outside the printer's subset, with the 1-based line and column. */
export class NixParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${line}:${column}: ${message}`);
    this.name = "NixParseError";
  }
}

const ID = /[A-Za-z_][A-Za-z0-9_'-]*/y;
const INT = /[0-9]+/y;
const FLOAT = /(?:[1-9][0-9]*\.[0-9]*|0?\.[0-9]+)(?:[Ee][+-]?[0-9]+)?/y;
const PATH = /(?:\.\.|\.)?(?:\/[A-Za-z0-9._\-+]+)+/y;

/** Parses one Nix expression (a whole file: comments and whitespace around it are skipped). */
export function parseNix(text: string): NixExpr {
  const p = new Parser(text);
  const e = p.expr();
  p.ws();
  if (!p.done()) p.fail("unexpected text after the expression");
  return e;
}

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  done(): boolean {
    return this.pos >= this.src.length;
  }

  fail(message: string, at = this.pos): never {
    let line = 1;
    let col = 1;
    for (let i = 0; i < at && i < this.src.length; i++) {
      if (this.src.charCodeAt(i) === 10) {
        line++;
        col = 1;
      } else col++;
    }
    const near = this.src.slice(at, at + 20).split("\n")[0] ?? "";
    throw new NixParseError(`${message}${near === "" ? "" : ` near ${JSON.stringify(near)}`}`, line, col);
  }

  /** Skips whitespace and comments. */
  ws(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === " " || c === "\n" || c === "\t" || c === "\r") this.pos++;
      else if (c === "#") {
        const nl = s.indexOf("\n", this.pos);
        this.pos = nl < 0 ? s.length : nl + 1;
      } else if (c === "/" && s[this.pos + 1] === "*") {
        const end = s.indexOf("*/", this.pos + 2);
        if (end < 0) this.fail("unterminated /* comment");
        this.pos = end + 2;
      } else return;
    }
  }

  private peek(): string | undefined {
    this.ws();
    return this.src[this.pos];
  }

  private eat(token: string): boolean {
    this.ws();
    if (this.src.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  private expect(token: string, what: string): void {
    if (!this.eat(token)) this.fail(`expected "${token}" ${what}`);
  }

  private match(re: RegExp): string | undefined {
    this.ws();
    re.lastIndex = this.pos;
    const m = re.exec(this.src);
    if (m === null) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  expr(): NixExpr {
    const pattern = this.setPattern();
    if (pattern !== undefined) return { kind: "lambda", param: pattern, body: this.expr() };
    return this.additive();
  }

  /** `{ a, b, ... }:` when the braces open a function header rather than a set; undefined otherwise. */
  private setPattern(): NixSetPattern | undefined {
    if (this.peek() !== "{") return undefined;
    const start = this.pos;
    this.pos++;
    const formals: string[] = [];
    let ellipsis = false;
    for (;;) {
      if (this.eat("...")) {
        ellipsis = true;
        break;
      }
      const id = this.match(ID);
      if (id === undefined) break;
      formals.push(id);
      if (!this.eat(",")) break;
    }
    if (this.eat("}") && this.eat(":")) return { formals, ellipsis };
    this.pos = start;
    return undefined;
  }

  private additive(): NixExpr {
    let left = this.multiplicative();
    for (;;) {
      const at = this.pos;
      if (this.eat("+")) left = this.combine("+", left, this.multiplicative(), at);
      else if (this.peekMinus()) {
        this.pos++;
        left = this.combine("-", left, this.multiplicative(), at);
      } else return left;
    }
  }

  /** A binary minus (not the start of a negative number in a list, which the printer parenthesises). */
  private peekMinus(): boolean {
    return this.peek() === "-";
  }

  private multiplicative(): NixExpr {
    let left = this.unary();
    for (;;) {
      const at = this.pos;
      if (this.eat("*")) left = this.combine("*", left, this.unary(), at);
      else return left;
    }
  }

  private unary(): NixExpr {
    if (this.peek() === "-") {
      const at = this.pos;
      this.pos++;
      const operand = this.unary();
      if (operand.kind === "int") return { kind: "int", value: -operand.value };
      if (operand.kind === "float") return { kind: "float", value: -operand.value };
      this.fail("unary minus on something other than a number", at);
    }
    return this.primary();
  }

  /** Folds the arithmetic the printer emits for numbers; keeps `path + "string"` as a node. */
  private combine(op: "+" | "-" | "*", l: NixExpr, r: NixExpr, at: number): NixExpr {
    if (op === "+" && l.kind === "path" && r.kind === "string") return { kind: "binary", op: "+", left: l, right: r };
    const num = (e: NixExpr): number | bigint | undefined =>
      e.kind === "int" ? e.value : e.kind === "float" ? e.value : undefined;
    const a = num(l);
    const b = num(r);
    if (a === undefined || b === undefined)
      this.fail(`"${op}" outside the printer's subset (numbers, path + string)`, at);
    if (typeof a === "bigint" && typeof b === "bigint") {
      return { kind: "int", value: op === "+" ? a + b : op === "-" ? a - b : a * b };
    }
    const x = Number(a);
    const y = Number(b);
    return { kind: "float", value: op === "+" ? x + y : op === "-" ? x - y : x * y };
  }

  private primary(): NixExpr {
    const c = this.peek();
    if (c === undefined) this.fail("unexpected end of file");
    if (c === "(") {
      this.pos++;
      const e = this.expr();
      this.expect(")", "to close the parenthesis");
      return e;
    }
    if (c === "{") return this.attrs(false);
    if (c === "[") return this.list();
    if (c === '"') return { kind: "string", value: this.string() };
    const path = this.match(PATH);
    if (path !== undefined) return { kind: "path", value: path };
    const float = this.match(FLOAT);
    if (float !== undefined) return { kind: "float", value: Number(float) };
    const int = this.match(INT);
    if (int !== undefined) return { kind: "int", value: BigInt(int) };
    const at = this.pos;
    const id = this.match(ID);
    if (id === "true" || id === "false") return { kind: "bool", value: id === "true" };
    if (id === "null") return { kind: "null" };
    if (id === "rec" && this.peek() === "{") return this.attrs(true);
    this.fail(id === undefined ? "unexpected character" : `"${id}" is outside the printer's data subset`, at);
  }

  private attrs(rec: boolean): NixExpr {
    this.expect("{", "to open the attribute set");
    const entries: [string, NixExpr][] = [];
    const seen = new Set<string>();
    while (!this.eat("}")) {
      const at = this.pos;
      const name = this.peek() === '"' ? this.string() : this.match(ID);
      if (name === undefined) this.fail('expected an attribute name or "}"');
      if (seen.has(name)) this.fail(`attribute ${JSON.stringify(name)} is defined twice`, at);
      seen.add(name);
      this.expect("=", `after attribute ${JSON.stringify(name)}`);
      entries.push([name, this.expr()]);
      this.expect(";", `after the value of ${JSON.stringify(name)}`);
    }
    return rec ? { kind: "attrs", entries, rec: true } : { kind: "attrs", entries };
  }

  private list(): NixExpr {
    this.expect("[", "to open the list");
    const items: NixExpr[] = [];
    while (!this.eat("]")) {
      if (this.done()) this.fail("unterminated list");
      items.push(this.primary());
    }
    return { kind: "list", items };
  }

  /** A double-quoted string, unescaped; `${` interpolation is outside the subset. */
  private string(): string {
    this.ws();
    const s = this.src;
    const start = this.pos;
    this.pos++; // opening quote
    let out = "";
    let run = this.pos;
    for (;;) {
      const c = s[this.pos];
      if (c === undefined) this.fail("unterminated string", start);
      if (c === '"') {
        out += s.slice(run, this.pos);
        this.pos++;
        return out;
      }
      if (c === "\\") {
        out += s.slice(run, this.pos);
        const e = s[this.pos + 1];
        if (e === undefined) this.fail("unterminated string", start);
        out += e === "n" ? "\n" : e === "r" ? "\r" : e === "t" ? "\t" : e;
        this.pos += 2;
        run = this.pos;
      } else if (c === "$" && s[this.pos + 1] === "{") {
        this.fail("string interpolation is outside the printer's data subset");
      } else this.pos++;
    }
  }
}

/** A plain JSON value. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The plain value of a parsed expression, for comparing: integers and floats become numbers
 * (an integer beyond ±2^53 becomes its decimal string, so nothing is silently rounded), paths
 * their text (`./. + "/a b.nix"` becomes `./a b.nix`), and a module `{ ... }: body` its body.
 */
export function nixValue(e: NixExpr): JsonValue {
  switch (e.kind) {
    case "null":
      return null;
    case "bool":
      return e.value;
    case "int":
      return e.value >= BigInt(Number.MIN_SAFE_INTEGER) && e.value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(e.value)
        : e.value.toString();
    case "float":
      return e.value;
    case "string":
      return e.value;
    case "path":
      return e.value;
    case "list":
      return e.items.map(nixValue);
    case "attrs": {
      const out: Record<string, JsonValue> = {};
      for (const [k, v] of e.entries) out[k] = nixValue(v);
      return out;
    }
    case "lambda":
      return nixValue(e.body);
    case "binary":
      if (e.left.kind === "path" && e.right.kind === "string") {
        const base = e.left.value === "/." ? "" : e.left.value === "./." ? "." : e.left.value;
        return `${base}${e.right.value}`;
      }
      break;
    default:
      break;
  }
  throw new Error(`a ${e.kind} expression has no plain value`);
}
