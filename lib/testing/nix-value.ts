/**
 * Reads the Nix that cdk8s-homelab emits (vars.nix) back into a JavaScript value, without Nix.
 *
 * It is a parser of the subset our printer emits for data: attribute sets (bare and quoted names),
 * lists, strings (with `\\ \" \n \r \t \$` escapes), integers, floats, `true`, `false`, `null` and
 * `#` comments. It does not evaluate Nix: anything else (functions, `let`, `import`, paths, arithmetic,
 * interpolation) is an error that names the line and column. For the full language, evaluate the file
 * with `nix-instantiate --eval --strict --json`; the library's tests check both agree on vars.nix.
 */

/** A value read from Nix data. */
export type NixValue = null | boolean | number | string | NixValue[] | { [name: string]: NixValue };

/** Nix outside the data subset, or malformed. */
export class NixSubsetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NixSubsetError";
  }
}

const ESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t" };
const IDENT = /[A-Za-z_][A-Za-z0-9_'-]*/y;
const NUMBER = /-?(?:\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)/y;

/** Parses Nix data text (see the module's comment for the subset). */
export function parseNixValue(text: string): NixValue {
  let i = 0;
  const where = (at = i): string => {
    const before = text.slice(0, at).split("\n");
    return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
  };
  const fail = (what: string): never => {
    throw new NixSubsetError(
      `${what} at ${where()}: parseNixValue reads only Nix data; evaluate this file with nix-instantiate`,
    );
  };
  const skip = (): void => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text[i] === "#") while (i < text.length && text[i] !== "\n") i++;
      else return;
    }
  };
  const expect = (ch: string): void => {
    skip();
    if (text[i] !== ch) fail(`expected "${ch}" but found ${i < text.length ? `"${text[i]}"` : "the end"}`);
    i++;
  };
  const string = (): string => {
    i++; // opening quote
    let out = "";
    while (i < text.length && text[i] !== '"') {
      const ch = text[i]!;
      if (ch === "\\") {
        const next = text[i + 1];
        if (next === undefined) break;
        out += ESCAPES[next] ?? next;
        i += 2;
      } else if (ch === "$" && text[i + 1] === "{") {
        fail("string interpolation");
      } else {
        out += ch;
        i++;
      }
    }
    if (text[i] !== '"') fail("unterminated string");
    i++;
    return out;
  };
  const name = (): string => {
    skip();
    if (text[i] === '"') return string();
    IDENT.lastIndex = i;
    const m = IDENT.exec(text);
    if (m === null) return fail("expected an attribute name");
    i += m[0].length;
    return m[0];
  };
  const value = (): NixValue => {
    skip();
    const ch = text[i];
    if (ch === "{") {
      i++;
      const attrs: { [name: string]: NixValue } = {};
      for (;;) {
        skip();
        if (text[i] === "}") {
          i++;
          return attrs;
        }
        const at = i;
        const key = name();
        skip();
        if (text[i] === ".") fail("a dotted attribute path");
        expect("=");
        if (Object.hasOwn(attrs, key)) {
          i = at;
          fail(`attribute "${key}" defined twice`);
        }
        attrs[key] = value();
        expect(";");
      }
    }
    if (ch === "[") {
      i++;
      const items: NixValue[] = [];
      for (;;) {
        skip();
        if (text[i] === "]") {
          i++;
          return items;
        }
        items.push(value());
      }
    }
    if (ch === '"') return string();
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num !== null) {
      const after = text[i + num[0].length];
      if (after !== undefined && /[A-Za-z_/]/.test(after)) fail("a path or an identifier");
      i += num[0].length;
      const n = Number(num[0]);
      if (!/[.eE]/.test(num[0]) && !Number.isSafeInteger(n)) fail(`integer ${num[0]} beyond JavaScript's safe range`);
      return n;
    }
    IDENT.lastIndex = i;
    const word = IDENT.exec(text)?.[0];
    if (word === "true" || word === "false" || word === "null") {
      i += word.length;
      return word === "null" ? null : word === "true";
    }
    return fail(word !== undefined ? `"${word}" (not data)` : `unexpected ${ch === undefined ? "end" : `"${ch}"`}`);
  };
  const result = value();
  skip();
  if (i < text.length) fail("text after the value");
  return result;
}
