/**
 * A fast reader for the YAML that lib/k8s's emitter writes (`lib/yaml/emit.ts`): block
 * mappings and sequences at two-space steps, plain and JSON double-quoted scalars, block
 * literals (`|`, `|-`, `|+`), `{}` and `[]`, documents joined by `---`, `#` lines between
 * documents. The `yaml` package takes tens of milliseconds to warm up for one file; this takes
 * well under one. Anything outside that subset, or a plain scalar another YAML reader could
 * take differently, throws {@link YamlSubsetError}, and the caller falls back to `yaml`.
 */
import type { JsonValue } from "./nix-parse.js";

/** The text is outside the emitter's subset (not necessarily invalid YAML). */
export class YamlSubsetError extends Error {
  constructor(message: string, line: number) {
    super(`line ${line + 1}: ${message}`);
    this.name = "YamlSubsetError";
  }
}

/** Numbers as the emitter writes them (`12`, `-3`, `1.5`, `1.0e+21`, `-0.0`). */
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:e[+-][0-9]+)?$/;
/** Words YAML 1.1 or 1.2 reads as something else; the emitter quotes them, so a bare one is not its output. */
const AMBIGUOUS = /^(?:y|yes|n|no|on|off|~|\.inf|\.nan|true|false|null)$/i;
/** What some reader may take for a number or a date (the emitter's own rule, with its margin). */
const NUMBERISH =
  /^[-+]?(?:0[bBoOxX][0-9a-fA-F_,]*|[0-9][0-9_,]*(?::[0-9_,]+)*(?:\.[0-9_.,]*)?(?:[eE][-+]?[0-9_,]+)?|\.[0-9_.,]*(?:[eE][-+]?[0-9_,]+)?)$/;
const DATE_PREFIX = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;
/** First characters the emitter never leaves plain. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`+ ~<=\t]/;

type Obj = { [key: string]: JsonValue };

function plain(text: string, line: number): JsonValue {
  if (text === "null") return null;
  if (text === "true") return true;
  if (text === "false") return false;
  if (text === "{}") return {};
  if (text === "[]") return [];
  if (NUMBER.test(text)) return Number(text);
  const c = text.charCodeAt(0);
  const numberish =
    ((c >= 48 && c <= 57) || c === 46) &&
    (NUMBERISH.test(text) ||
      DATE_PREFIX.test(text) ||
      text.startsWith("...") ||
      (text.includes("_") && NUMBERISH.test(text.replaceAll("_", ""))));
  if (
    numberish ||
    text === "" ||
    AMBIGUOUS.test(text) ||
    INDICATOR.test(text) ||
    text.endsWith(" ") ||
    text.endsWith(":") ||
    text.includes(" #") ||
    text.includes(": ") ||
    text.includes("\t")
  ) {
    throw new YamlSubsetError(`plain scalar ${JSON.stringify(text)} is not one the emitter writes`, line);
  }
  return text;
}

/** Reads every document of `text`; empty documents are skipped. */
export function readYamlSubset(text: string): JsonValue[] {
  return new Reader(text).documents();
}

class Reader {
  private readonly lines: string[];
  private i = 0;

  constructor(text: string) {
    this.lines = text.split("\n");
    if (this.lines[this.lines.length - 1] === "") this.lines.pop();
  }

  documents(): JsonValue[] {
    const docs: JsonValue[] = [];
    const n = this.lines.length;
    while (this.i < n) {
      const line = this.lines[this.i]!;
      if (line === "---" || line.startsWith("#") || line === "") {
        this.i++;
        continue;
      }
      if (line.startsWith(" ")) throw new YamlSubsetError("a document does not start at column 0", this.i);
      docs.push(this.node(0, 0));
      if (this.i < n && this.lines[this.i] !== "---") {
        throw new YamlSubsetError("expected --- or the end after a document", this.i);
      }
    }
    return docs;
  }

  /** The node whose text starts at `col` of the current line; `indent` is where its block content goes. */
  private node(col: number, indent: number): JsonValue {
    const line = this.lines[this.i]!;
    const rest = line.slice(col);
    if (rest === "-" || rest.startsWith("- ")) return this.seq(col);
    if (rest.startsWith("|")) return this.literal(rest, indent + 2);
    if (this.keyEnd(rest) >= 0) return this.map(col);
    this.i++;
    return this.scalar(rest, this.i - 1);
  }

  /** Where the `:` after a key is in `rest` (a key line), or -1. */
  private keyEnd(rest: string): number {
    if (rest.startsWith('"')) {
      const close = this.quotedEnd(rest);
      return rest[close + 1] === ":" && (close + 2 === rest.length || rest[close + 2] === " ") ? close + 1 : -1;
    }
    if (rest.startsWith("? ")) throw new YamlSubsetError("explicit keys are outside the subset", this.i);
    const sep = rest.indexOf(": ");
    if (sep >= 0) return sep;
    return rest.endsWith(":") ? rest.length - 1 : -1;
  }

  /** Index of the closing quote of a double-quoted scalar starting at 0. */
  private quotedEnd(s: string): number {
    for (let k = 1; k < s.length; k++) {
      const c = s[k];
      if (c === "\\") k++;
      else if (c === '"') return k;
    }
    throw new YamlSubsetError("unterminated double-quoted scalar", this.i);
  }

  private scalar(text: string, line: number): JsonValue {
    if (text.startsWith('"')) {
      if (this.quotedEnd(text) !== text.length - 1) throw new YamlSubsetError("text after a quoted scalar", line);
      try {
        return JSON.parse(text) as string;
      } catch {
        throw new YamlSubsetError("a double-quoted scalar JSON cannot read", line);
      }
    }
    return plain(text, line);
  }

  private indentOf(line: string): number {
    let k = 0;
    while (line.charCodeAt(k) === 32) k++;
    return k;
  }

  private map(col: number): Obj {
    const out: Obj = {};
    let first = true;
    for (;;) {
      const line = this.lines[this.i];
      if (line === undefined || line === "---") return out;
      if (!first) {
        const ind = this.indentOf(line);
        if (ind < col) return out;
        if (ind > col || line[col] === "-") throw new YamlSubsetError("unexpected indentation in a mapping", this.i);
      }
      first = false;
      const rest = line.slice(col);
      const end = this.keyEnd(rest);
      if (end < 0) throw new YamlSubsetError("expected a key", this.i);
      const keyText = rest.slice(0, end);
      const key = keyText.startsWith('"') ? (this.scalar(keyText, this.i) as string) : keyText;
      if (!keyText.startsWith('"') && typeof plain(keyText, this.i) !== "string") {
        throw new YamlSubsetError(`key ${JSON.stringify(keyText)} is not a plain string`, this.i);
      }
      if (Object.hasOwn(out, key)) throw new YamlSubsetError(`duplicate key ${JSON.stringify(key)}`, this.i);
      const value = rest.slice(end + 1);
      if (value === "") {
        this.i++;
        const next = this.lines[this.i];
        if (next === undefined || this.indentOf(next) !== col + 2)
          throw new YamlSubsetError("expected a nested block", this.i);
        out[key] = this.node(col + 2, col + 2);
      } else if (value.startsWith(" |")) {
        out[key] = this.literal(value.slice(1), col + 2);
      } else {
        this.i++;
        out[key] = this.scalar(value.slice(1), this.i - 1);
      }
    }
  }

  private seq(col: number): JsonValue[] {
    const out: JsonValue[] = [];
    let first = true;
    for (;;) {
      const line = this.lines[this.i];
      if (line === undefined || line === "---") return out;
      if (!first) {
        const ind = this.indentOf(line);
        if (ind < col) return out;
        if (ind > col || !(line.slice(col) === "-" || line.startsWith("- ", col))) {
          if (ind === col) return out; // a key of the enclosing mapping
          throw new YamlSubsetError("unexpected indentation in a sequence", this.i);
        }
      }
      first = false;
      if (line.length === col + 1) throw new YamlSubsetError("an empty sequence item", this.i);
      out.push(this.node(col + 2, col));
    }
  }

  /** A block literal; `header` is `|`, `|-` or `|+`, content lines are at column `indent`. */
  private literal(header: string, indent: number): string {
    if (header !== "|" && header !== "|-" && header !== "|+")
      throw new YamlSubsetError(`block header ${header}`, this.i);
    this.i++;
    const pad = " ".repeat(indent);
    const content: string[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line === "") content.push("");
      else if (line.startsWith(pad)) content.push(line.slice(indent));
      else break;
      this.i++;
    }
    let trailing = 0;
    while (trailing < content.length && content[content.length - 1 - trailing] === "") trailing++;
    if (trailing === content.length) throw new YamlSubsetError("an empty block literal", this.i);
    const body = content.slice(0, content.length - trailing).join("\n");
    if (header === "|-") return body;
    if (header === "|") return `${body}\n`;
    return `${body}\n${"\n".repeat(trailing)}`;
  }
}
