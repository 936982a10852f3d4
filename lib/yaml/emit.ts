/**
 * A small, fast YAML emitter for Kubernetes manifests, Flux and kustomize files
 * and any other JSON-like data: block style, JSON-compatible data only, and
 * strings quoted whenever a YAML 1.1 reader (go-yaml, which
 * Kubernetes uses through sigs.k8s.io/yaml) or a YAML 1.2 reader could take them
 * for anything but the same string.
 *
 * The layout follows what `yaml`'s `stringify(doc, { lineWidth: 0, indent: 2 })`
 * wrote, so diffs stay small:
 *
 * ```yaml
 * metadata:
 *   labels:
 *     app.kubernetes.io/name: web
 * spec:
 *   containers:
 *     - name: web
 *       args:
 *         - serve
 *         - "8080"
 *         - "--verbose"
 *   config: |
 *     line one
 *     line two
 *   empty: {}
 * ```
 *
 * Where the two differ, this one quotes more: `"on"`, `"yes"`, `"1:20"`,
 * `"1.2.3"` and `"2001-12-14"` are strings to YAML 1.2 but not to YAML 1.1;
 * `"--verbose"` and `"-c"` start with an indicator; a text whose first line
 * starts with a space, or that holds `\r` or a control character, is
 * double-quoted instead of a block literal with an indentation indicator; and
 * a `|+` literal that would end the document (trailing blank lines at the end
 * of a file, which editors and hooks trim) is double-quoted too.
 */

import { describeValue, formatPath } from "../model/problems.js";

/** Thrown for a value that has no JSON/YAML form; `path` names where it is (`$.spec.containers[0].env`). */
export class YamlEmitError extends Error {
  constructor(
    readonly reason: string,
    readonly path: string,
  ) {
    super(`cannot write YAML at ${path}: ${reason}`);
    this.name = "YamlEmitError";
  }
}

/** Internal: an error on its way up, collecting path segments (innermost last). */
class Failure {
  readonly segments: (string | number)[] = [];
  constructor(
    readonly reason: string,
    /** For a cycle: how many segments of the final path lead to the object referred back to. */
    readonly backTo = -1,
  ) {}
}

/** Emits one YAML document (no `---`), ending with exactly one newline. */
export function emitYaml(value: unknown): string {
  try {
    return emitDocument(value);
  } catch (e) {
    throw toError(e, "$");
  }
}

/** Emits the documents, each as {@link emitYaml} would, joined with `---\n`. */
export function emitYamlDocuments(docs: readonly unknown[]): string {
  let out = "";
  for (let i = 0; i < docs.length; i++) {
    if (i > 0) out += "---\n";
    try {
      out += emitDocument(docs[i]);
    } catch (e) {
      throw toError(e, `documents[${i}]${describe(docs[i])}: $`);
    }
  }
  return out;
}

function toError(e: unknown, root: string): unknown {
  if (!(e instanceof Failure)) return e;
  const path = formatPath(e.segments, root);
  if (e.backTo >= 0) {
    const target = formatPath(e.segments.slice(0, e.backTo), root);
    return new YamlEmitError(`${e.reason} (refers back to ${target})`, path);
  }
  return new YamlEmitError(e.reason, path);
}

/** ` (Deployment apps/web)` for a document with kind and name, else "". */
function describe(doc: unknown): string {
  if (doc === null || typeof doc !== "object") return "";
  const d = doc as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const meta = d.metadata !== null && typeof d.metadata === "object" ? d.metadata : undefined;
  if (typeof d.kind !== "string" || typeof meta?.name !== "string") return "";
  return ` (${d.kind} ${typeof meta.namespace === "string" ? `${meta.namespace}/` : ""}${meta.name})`;
}

// ---------------------------------------------------------------------------
// Scalars

/**
 * Non-ASCII code units a plain or literal scalar may hold: printable in YAML 1.1
 * and 1.2, and no line break or BOM to any reader. Excluded: C1 controls
 * (U+0080-U+009F, with NEL U+0085, a line break in YAML 1.1), NBSP U+00A0 (plain
 * only; it looks like a space), U+2028/U+2029 (line breaks in YAML 1.1), the
 * BOM U+FEFF, U+FFFE/U+FFFF, and lone surrogates (a surrogate is allowed only as
 * part of a pair, see PAIR).
 */
const NON_ASCII_PLAIN = "\\u00A1-\\u2027\\u202A-\\uD7FF\\uE000-\\uFEFE\\uFF00-\\uFFFD";
const NON_ASCII_TEXT = "\\u00A0-\\u2027\\u202A-\\uD7FF\\uE000-\\uFEFE\\uFF00-\\uFFFD";
const PAIR = "[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]";

/**
 * The plain scalars we write: the first character a letter, digit, `_`, `.`, `/`,
 * `$` or `(` (no indicator, no sign, no space); then printable ASCII and the
 * non-ASCII above, with no `: `, ` #`, trailing `:` or trailing space, and no tab.
 * Numbers, booleans, nulls and timestamps are ruled out separately (isSpecial).
 */
const PLAIN = new RegExp(
  `^(?:[A-Za-z0-9_./$(${NON_ASCII_PLAIN}]|${PAIR})(?:[!-9;-~${NON_ASCII_PLAIN}]|${PAIR}|:(?! |$)| (?!#|$))*$`,
);

/** The common case, checked first: an identifier-like ASCII word. */
const SIMPLE = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;

/**
 * Words YAML 1.1 or 1.2 reads as booleans, nulls, infinities or NaN, compared
 * lower-cased (so `yEs` is quoted too, which costs nothing). Strings starting
 * with a sign, `~`, `<` (`<<`, the merge key) or `=` (the YAML 1.1 value key) are
 * never plain anyway.
 */
const RESERVED = new Set(["y", "yes", "n", "no", "true", "false", "on", "off", "null", ".inf", ".nan"]);

/**
 * Anything starting with a digit or `.` that some reader may take for a number,
 * with a margin: YAML 1.1 ints `0b101`, `017`, `0x1F`, `1_000`, sexagesimal
 * `1:20` and `1:20.5`, floats `1.5`, `.5`, `1e3`, `1.0e+3` (the 1.1 float regex
 * `[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?` even takes `1.2.3` and
 * `10.0.0.1`); YAML 1.2 `0o17`; Go's strconv behind go-yaml `0X1F`, `0O17`,
 * `0B101`; commas as digit separators (Ruby's Psych reads `1,000` as 1000).
 */
const NUMBERISH =
  /^[-+]?(?:0[bBoOxX][0-9a-fA-F_,]*|[0-9][0-9_,]*(?::[0-9_,]+)*(?:\.[0-9_.,]*)?(?:[eE][-+]?[0-9_,]+)?|\.[0-9_.,]*(?:[eE][-+]?[0-9_,]+)?)$/;
/** A YAML 1.1 timestamp starts with a date (`2001-12-14`, `2001-12-14t21:59:43.10-05:00`, `2001-12-14 21:59:43.10 -5`). */
const DATE_PREFIX = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;

/** `yaml`'s YAML 1.1 float regex has both the digits and the dot optional: it reads `e3` as a float (NaN). */
const BARE_EXPONENT = /^[eE][-+]?[0-9_,]+$/;

function isSpecial(s: string): boolean {
  if (s.length <= 5 && RESERVED.has(s.toLowerCase())) return true;
  const c = s.charCodeAt(0);
  if (c === 101 || c === 69 /* e E */) return BARE_EXPONENT.test(s);
  if ((c >= 48 && c <= 57) || c === 46 /* . */) {
    if (NUMBERISH.test(s) || DATE_PREFIX.test(s)) return true;
    // go-yaml drops every `_` before trying a number: `0_x1F` is 31 to it.
    if (s.includes("_") && NUMBERISH.test(s.replaceAll("_", ""))) return true;
    if (s.startsWith("...")) return true; // `...` ends a document at column 0
  }
  return false;
}

/** True when `s` may be written as a plain scalar. */
function isPlain(s: string): boolean {
  return (SIMPLE.test(s) || PLAIN.test(s)) && !isSpecial(s);
}

/** What JSON.stringify leaves unescaped but YAML 1.1 must not see raw: DEL, C1 (incl. NEL), U+2028/U+2029, BOM, U+FFFE/U+FFFF. */
const NEEDS_ESCAPE = /[\u007F-\u009F\u2028\u2029\uFEFF\uFFFE\uFFFF]/g;

function escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * A double-quoted scalar. JSON's string syntax is YAML's double-quoted syntax
 * (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX`; lone surrogates come out
 * as `\uD800`), plus the escapes above.
 */
function quote(s: string): string {
  const q = JSON.stringify(s);
  NEEDS_ESCAPE.lastIndex = 0;
  return NEEDS_ESCAPE.test(q) ? q.replace(NEEDS_ESCAPE, escapeChar) : q;
}

/** A scalar string on one line: plain when safe, else double-quoted. */
function scalarString(s: string): string {
  if (s.length > CACHE_MAX_LENGTH) return isPlain(s) ? s : quote(s);
  let t = cache.get(s);
  if (t === undefined) {
    t = isPlain(s) ? s : quote(s);
    // A key is never a block literal, so only line-free keys share the cache with values.
    if (s.indexOf("\n") < 0) remember(s, t);
  }
  return t;
}

function remember(s: string, t: string): void {
  if (cache.size >= CACHE_MAX_ENTRIES) cache.clear();
  cache.set(s, t);
}

/**
 * Keys and short values repeat across documents (`name`, `metadata`, `TCP`,
 * `app.kubernetes.io/name`): their one-line form is remembered. Bounded, and
 * only for strings without line breaks (those may be block literals).
 */
const cache = new Map<string, string>();
const CACHE_MAX_LENGTH = 64;
const CACHE_MAX_ENTRIES = 8192;

/** Characters of a block literal's content: printable, tabs and line feeds, no `\r`. */
const LITERAL_TEXT = new RegExp(`^(?:[\\n\\t -~${NON_ASCII_TEXT}]|${PAIR})*$`);

/**
 * True when `s` may be a block literal: it has a line break and a non-empty
 * line, no `\r` or other control character; its first non-empty line does not
 * start with a space or tab (the indentation is detected from it), and no line
 * starts with a tab (libyaml rejects a tab where it looks for indentation).
 */
function isLiteral(s: string): boolean {
  if (s.indexOf("\n") < 0) return false;
  if (!LITERAL_TEXT.test(s)) return false;
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === 10) i++;
  if (i === s.length) return false; // only line breaks
  const first = s.charCodeAt(i);
  if (first === 32 || first === 9) return false;
  return s.indexOf("\n\t") < 0;
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return "";
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0";
  const s = String(n);
  // YAML 1.1's float needs a dot: 1e+21 -> 1.0e+21, 5e-7 -> 5.0e-7.
  const e = s.indexOf("e");
  if (e >= 0 && s.indexOf(".") < 0) return `${s.slice(0, e)}.0${s.slice(e)}`;
  return s;
}

// ---------------------------------------------------------------------------
// Collections

const INDENTS: string[] = [];
function indentOf(n: number): string {
  let indent = INDENTS[n];
  if (indent === undefined) {
    indent = " ".repeat(n);
    INDENTS[n] = indent;
  }
  return indent;
}

/** An implicit key may be at most 1024 characters long (YAML, libyaml); longer ones are written as `? key`. */
const MAX_IMPLICIT_KEY = 1000;

const objectProto = Object.prototype;

function unsupported(v: unknown): Failure {
  const what = typeof v === "number" ? `non-finite number ${String(v)}` : `unsupported value (${describeValue(v)})`;
  return new Failure(`${what}; only null, booleans, finite numbers, strings, arrays and plain objects can be written`);
}

/** How a value is written, decided once: a one-line scalar, an empty collection, a block literal, or a block collection. */
const Kind = { Scalar: 0, Literal: 1, Map: 2, Seq: 3 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

class Emitter {
  out = "";
  /** The containers being written, outermost first, to detect cycles. */
  private readonly stack: object[] = [];
  /** Where the last `|+` literal starts and ends in `out`, and its quoted form, so one that ends the document can be quoted instead. */
  private keepStart = -1;
  private keepEnd = -1;
  private keepQuoted = "";

  /** Classifies `v`; for scalars and empty collections sets `this.text`. */
  private text = "";
  private classify(v: unknown): Kind {
    switch (typeof v) {
      case "string":
        if (v.length <= CACHE_MAX_LENGTH) {
          const t = cache.get(v);
          if (t !== undefined) {
            this.text = t;
            return Kind.Scalar;
          }
        }
        if (isPlain(v)) {
          this.text = v;
          if (v.length <= CACHE_MAX_LENGTH) remember(v, v);
          return Kind.Scalar;
        }
        if (isLiteral(v)) {
          this.text = v;
          return Kind.Literal;
        }
        this.text = quote(v);
        if (v.length <= CACHE_MAX_LENGTH && v.indexOf("\n") < 0) remember(v, this.text);
        return Kind.Scalar;
      case "number":
        if (!Number.isFinite(v)) throw unsupported(v);
        this.text = formatNumber(v);
        return Kind.Scalar;
      case "boolean":
        this.text = v ? "true" : "false";
        return Kind.Scalar;
      case "object": {
        if (v === null) {
          this.text = "null";
          return Kind.Scalar;
        }
        if (Array.isArray(v)) {
          if (v.length === 0) {
            this.text = "[]";
            return Kind.Scalar;
          }
          return Kind.Seq;
        }
        const proto = Object.getPrototypeOf(v) as unknown;
        if (proto !== objectProto && proto !== null) throw unsupported(v);
        for (const k in v) {
          if ((v as Record<string, unknown>)[k] !== undefined && Object.hasOwn(v, k)) return Kind.Map;
        }
        this.text = "{}";
        return Kind.Scalar;
      }
      default:
        throw unsupported(v);
    }
  }

  /** Writes the document: `v` at column 0. */
  document(v: unknown): string {
    switch (this.classify(v)) {
      case Kind.Scalar:
        this.out = `${this.text}\n`;
        break;
      case Kind.Literal:
        this.literal(this.text, "", 2); // indented, so no line can read as `---` or `...`
        break;
      case Kind.Map:
        this.map(v as Record<string, unknown>, 0);
        break;
      case Kind.Seq:
        this.seq(v as unknown[], 0);
        break;
    }
    if (this.keepEnd === this.out.length) {
      // Trailing blank lines at the end of a file get trimmed by editors and hooks; quote instead.
      this.out = this.out.slice(0, this.keepStart) + this.keepQuoted;
    }
    flatten(this.out);
    return this.out;
  }

  /**
   * Writes `v` after `key:` (or an explicit `:`), the key at column `indent`:
   * ` scalar`, ` |-` and lines, or a line break and the collection at `indent + 2`.
   */
  private afterKey(v: unknown, indent: number): void {
    switch (this.classify(v)) {
      case Kind.Scalar:
        this.out += ` ${this.text}\n`;
        return;
      case Kind.Literal:
        this.literal(this.text, " ", indent + 2);
        return;
      case Kind.Map:
        this.out += `\n${indentOf(indent + 2)}`;
        this.map(v as Record<string, unknown>, indent + 2);
        return;
      case Kind.Seq:
        this.out += `\n${indentOf(indent + 2)}`;
        this.seq(v as unknown[], indent + 2);
        return;
    }
  }

  /** Writes `v` after `- `, the dash at column `indent`: a collection starts on the dash line. */
  private afterDash(v: unknown, indent: number): void {
    switch (this.classify(v)) {
      case Kind.Scalar:
        this.out += `${this.text}\n`;
        return;
      case Kind.Literal:
        this.literal(this.text, "", indent + 2);
        return;
      case Kind.Map:
        this.map(v as Record<string, unknown>, indent + 2);
        return;
      case Kind.Seq:
        this.seq(v as unknown[], indent + 2);
        return;
    }
  }

  /** `|`, `|-` or `|+` then the lines at column `indent`; `lead` goes before the indicator. */
  private literal(s: string, lead: string, indent: number): void {
    let end = s.length;
    while (end > 0 && s.charCodeAt(end - 1) === 10) end--;
    const trailing = s.length - end;
    const start = this.out.length;
    const pad = indentOf(indent);
    let text = `${lead + (trailing === 0 ? "|-" : trailing === 1 ? "|" : "|+")}\n`;
    let from = 0;
    while (from <= end) {
      let nl = s.indexOf("\n", from);
      if (nl < 0 || nl > end) nl = end;
      text += nl === from ? "\n" : `${pad + s.slice(from, nl)}\n`;
      from = nl + 1;
    }
    for (let i = 1; i < trailing; i++) text += "\n";
    this.out += text;
    if (trailing > 1) {
      this.keepStart = start;
      this.keepEnd = this.out.length;
      this.keepQuoted = `${lead + quote(s)}\n`;
    }
  }

  private enter(v: object): void {
    const stack = this.stack;
    for (let i = 0; i < stack.length; i++) {
      if (stack[i] === v) throw new Failure("circular reference", i);
    }
    stack.push(v);
  }

  /** Writes a non-empty mapping whose first key goes where `out` ends; later keys at column `indent`. */
  private map(obj: Record<string, unknown>, indent: number): void {
    this.enter(obj);
    const pad = indentOf(indent);
    const keys = Object.keys(obj);
    let first = true;
    let key = "";
    try {
      for (let i = 0; i < keys.length; i++) {
        key = keys[i]!;
        const v = obj[key];
        if (v === undefined) continue;
        const k = scalarString(key);
        const head = k.length > MAX_IMPLICIT_KEY ? `? ${k}\n${pad}:` : `${k}:`;
        if (first) {
          this.out += head;
          first = false;
        } else {
          this.out += pad + head;
        }
        this.afterKey(v, indent);
      }
    } catch (e) {
      if (e instanceof Failure) e.segments.unshift(key);
      throw e;
    }
    this.stack.pop();
  }

  /** Writes a non-empty sequence whose first dash goes where `out` ends; later dashes at column `indent`. */
  private seq(arr: readonly unknown[], indent: number): void {
    this.enter(arr);
    const pad = indentOf(indent);
    let i = 0;
    try {
      for (; i < arr.length; i++) {
        this.out += i === 0 ? "- " : `${pad}- `;
        const v = arr[i];
        // Like JSON, a hole or undefined in an array is null.
        this.afterDash(v === undefined ? null : v, indent);
      }
    } catch (e) {
      if (e instanceof Failure) e.segments.unshift(i);
      throw e;
    }
    this.stack.pop();
  }
}

/** Makes V8 turn the rope built by `+=` into one flat string now, while it is young (much less GC work). */
function flatten(s: string): void {
  if (s.length > 0) Number(s);
}

function emitDocument(value: unknown): string {
  if (value === undefined)
    throw new Failure(
      "undefined document; only null, booleans, finite numbers, strings, arrays and plain objects can be written",
    );
  return new Emitter().document(value);
}
