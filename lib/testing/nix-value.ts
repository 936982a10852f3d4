/**
 * Reads the Nix that cdk8s-homelab emits (vars.nix) back into a JavaScript value, without Nix.
 *
 * It uses the one parser of the printer's subset (lib/diff/nix-parse.ts, which `diff` uses too) and
 * accepts only data: attribute sets, lists, strings, integers within JavaScript's safe range,
 * floats, `true`, `false` and `null`. Anything else (functions, `let`, `import`, paths,
 * interpolation, arithmetic) is an error naming where it is. For the full language, evaluate the file
 * with `nix-instantiate --eval --strict --json`; the library's tests check both agree on vars.nix.
 */
import { NixParseError, parseNix } from "../diff/nix-parse.js";
import type { NixExpr } from "../nix/ast.js";

/** A value read from Nix data. */
export type NixValue = null | boolean | number | string | NixValue[] | { [name: string]: NixValue };

/** Nix outside the data subset, or malformed. */
export class NixSubsetError extends Error {
  constructor(message: string) {
    super(`${message}: parseNixValue reads only Nix data; evaluate this file with nix-instantiate`);
    this.name = "NixSubsetError";
  }
}

/** Parses Nix data text (see the module's comment for the subset). */
export function parseNixValue(text: string): NixValue {
  let expr: NixExpr;
  try {
    expr = parseNix(text);
  } catch (e) {
    if (!(e instanceof NixParseError)) throw e;
    const message = e.message.replace(/^\d+:\d+: /, "").replace(/ near .*$/s, "");
    throw new NixSubsetError(`${message} at line ${e.line}, column ${e.column}`);
  }
  return dataOf(expr, "the value");
}

function dataOf(e: NixExpr, at: string): NixValue {
  switch (e.kind) {
    case "null":
      return null;
    case "bool":
    case "float":
    case "string":
      return e.value;
    case "int":
      if (e.value < BigInt(Number.MIN_SAFE_INTEGER) || e.value > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new NixSubsetError(`${at}: the integer ${e.value} is beyond JavaScript's safe range`);
      }
      return Number(e.value);
    case "list":
      return e.items.map((item, i) => dataOf(item, `${at}[${i}]`));
    case "attrs": {
      if (e.rec) throw new NixSubsetError(`${at}: a recursive attribute set (not data)`);
      const out: { [name: string]: NixValue } = {};
      for (const [k, v] of e.entries) out[k] = dataOf(v, at === "the value" ? k : `${at}.${k}`);
      return out;
    }
    default:
      throw new NixSubsetError(`${at}: a ${e.kind} expression (not data)`);
  }
}
