/**
 * Text that cannot be written: every string of a spec reaches `vars.nix`, the host files or
 * dist/'s YAML, and none of them can hold a NUL character (Nix strings end at one) or a lone
 * UTF-16 surrogate (it has no UTF-8 encoding). A spec loaded from JSON can carry both, so every
 * string (and every object key) is checked at run time and reported on its spec path, e.g.
 * `hosts[0].tags[0]`, before any other rule looks at it.
 */
import { describeValue, type Problem, type SpecPath } from "./problems.js";

/** A lone (unpaired) UTF-16 surrogate. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `s` cannot be written to a generated file, or undefined when it can. */
export function unwritableTextProblem(s: string): string | undefined {
  const nul = s.indexOf("\0");
  if (nul !== -1) {
    return `${describeValue(s)} contains a NUL character at index ${nul}, which Nix strings and YAML files cannot hold`;
  }
  const m = LONE_SURROGATE.exec(s);
  if (m !== null) {
    return `${describeValue(s)} contains a lone UTF-16 surrogate at index ${m.index}, which has no UTF-8 encoding`;
  }
  return undefined;
}

const FIX = "Remove the character; it usually comes from a broken copy-paste or a binary file read as text.";

/** What {@link unwritableText} finds: the problems, and the spec paths they cover. */
export interface UnwritableText {
  /** One error per string or key that cannot be written. */
  readonly problems: readonly Problem[];
  /** The paths of those values (a bad key covers its whole value): other rules' findings there are noise. */
  readonly covered: readonly SpecPath[];
}

/**
 * Every string value and object key of `spec` that cannot be written, each on its spec path.
 * Walks plain data only (lists and objects); a value seen twice (shared or circular) is walked once.
 */
export function unwritableText(spec: unknown): UnwritableText {
  const problems: Problem[] = [];
  const covered: SpecPath[] = [];
  const seen = new Set<object>();
  const walk = (value: unknown, path: SpecPath): void => {
    if (typeof value === "string") {
      const p = unwritableTextProblem(value);
      if (p !== undefined) {
        problems.push({ level: "error", path, message: p, fix: FIX });
        covered.push(path);
      }
      return;
    }
    if (value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, [...path, i]));
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      const p = unwritableTextProblem(key);
      if (p !== undefined) {
        problems.push({ level: "error", path, message: `has the key ${p}`, fix: FIX });
        covered.push([...path, key]);
      } else walk(v, [...path, key]);
    }
  };
  walk(spec, []);
  return { problems, covered };
}

/** True when `path` is `under` or inside it. */
export function isUnder(path: SpecPath, under: SpecPath): boolean {
  return under.length <= path.length && under.every((seg, i) => path[i] === seg);
}
