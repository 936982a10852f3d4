/**
 * Specs written in YAML or JSON (`homelab.yaml`, `homelab.json`) instead of TypeScript. {@link parseSpec}
 * turns the text into the same plain data a TypeScript spec is, refusing what a spec has no use for and
 * what could hurt (see {@link syntaxProblems}); it remembers where every value is written, so that the
 * problems validation finds later carry the file's line and column ({@link locateProblems}).
 *
 * What is refused, each with its line and column: text that is not YAML (or, for `.json`, not JSON),
 * duplicate keys, more than one document, anchors and aliases (an alias can expand a few bytes into
 * gigabytes, and a value written once per place keeps every spec path pointing at one line), explicit
 * tags (`!!str`, `!custom`: write the plain value) and a `%YAML` version other than 1.2 (1.1 reads `yes`
 * as true and `0755` as octal). YAML 1.2's core schema is used: `yes` and `on` are text.
 */
import * as fs from "node:fs";
import {
  type Document,
  LineCounter,
  type Node as YamlNode,
  type ParsedNode,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  visit,
} from "yaml";
import { HomelabValidationError, type Problem, type SpecPath, type SpecPosition } from "./problems.js";

/** The key editors read a JSON file's schema from; a spec may carry it, validation never sees it. */
export const SCHEMA_KEY = "$schema";

/** The largest spec file {@link loadSpecFile} reads: 1 MiB (a lab of a hundred hosts is under 50 KiB). */
export const MAX_SPEC_BYTES = 1024 * 1024;

/** Where the values of a parsed spec are written. */
interface SpecLocations {
  readonly file: string;
  readonly locate: (path: SpecPath) => SpecPosition | undefined;
}

/** Parsed specs and where their values are written: a WeakMap, so that the user's data stays plain. */
const locations = new WeakMap<object, SpecLocations>();

/** The file a spec was parsed from ({@link parseSpec}), or undefined for a spec written in TypeScript. */
export function specFileOf(spec: unknown): string | undefined {
  return spec !== null && typeof spec === "object" ? locations.get(spec)?.file : undefined;
}

/**
 * `problems` with the line and column where each one's path is written, when `spec` was parsed from a
 * file: the key of a field, the start of a list item; for a field that is missing, its nearest written
 * parent. Problems of a spec written in TypeScript come back as they are.
 */
export function locateProblems(spec: unknown, problems: readonly Problem[]): readonly Problem[] {
  const where = spec !== null && typeof spec === "object" ? locations.get(spec) : undefined;
  if (where === undefined) return problems;
  const located = problems.map((p) => {
    if (p.position !== undefined) return p;
    const position = where.locate(p.path);
    return position === undefined ? p : { ...p, position };
  });
  return located.sort((a, b) => (a.position === undefined && b.position === undefined ? 0 : byPosition(a, b)));
}

/** What a spec file's name says it holds. */
function formatOf(fileName: string): "yaml" | "json" | undefined {
  if (/\.ya?ml$/i.test(fileName)) return "yaml";
  if (/\.json$/i.test(fileName)) return "json";
  return undefined;
}

/**
 * Reads a spec file (`.yaml`, `.yml` or `.json`) and parses it with {@link parseSpec}.
 * @param file the file to read
 * @param name how messages name the file, e.g. `apps/homelab.yaml` relative to the lab (default: `file`)
 * @throws HomelabValidationError when the file cannot be read or is not a spec's syntax, each problem
 *   with its line and column
 */
export function loadSpecFile(file: string, name: string = file): unknown {
  const refuse = (message: string, fix: string): never => {
    throw new HomelabValidationError([{ level: "error", path: [], message, fix }], name);
  };
  if (formatOf(name) === undefined) {
    refuse("is not a spec file", "Name it homelab.yaml (YAML) or homelab.json (JSON).");
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return refuse(
      code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(e)})`,
      "Create it, or point the lab's specFile at the spec.",
    );
  }
  if (!st.isFile()) refuse("is not a file", "Point the lab's specFile at the spec file.");
  if (st.size > MAX_SPEC_BYTES) {
    refuse(`is ${st.size} bytes, more than a spec's limit of ${MAX_SPEC_BYTES}`, "Check that it is the spec.");
  }
  return parseSpec(fs.readFileSync(file, "utf8"), name);
}

/**
 * Parses the text of a YAML or JSON spec (the format follows `fileName`'s extension: `.yaml`, `.yml`
 * or `.json`) into plain data: what `Homelab.create` validates, exactly as it validates a spec written
 * in TypeScript. A top-level `$schema` key (for editors) is dropped. Problems that validation finds in
 * the result carry the line and column of the offending value.
 * @throws HomelabValidationError listing every syntax problem, each with its line and column
 */
export function parseSpec(text: string, fileName: string): unknown {
  const format = formatOf(fileName) ?? "yaml";
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(body, { lineCounter, prettyErrors: false, uniqueKeys: true, version: "1.2" });
  const position = (offset: number): SpecPosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems = syntaxProblems(body, format, Array.isArray(docs) ? docs : [], position);
  if (problems.length > 0) throw new HomelabValidationError(problems, fileName);
  const doc = (docs as Document.Parsed[])[0]!;
  const spec: unknown = doc.toJS({ maxAliasCount: 0 });
  if (spec !== null && typeof spec === "object" && !Array.isArray(spec)) {
    delete (spec as Record<string, unknown>)[SCHEMA_KEY];
    locations.set(spec, { file: fileName, locate: (path) => locate(doc, path, position) });
  }
  return spec;
}

/** A syntax problem at `offset`. */
type At = (offset: number) => SpecPosition;

function syntax(at: SpecPosition, message: string, fix: string): Problem {
  return { level: "error", path: [], message, fix, position: at };
}

/**
 * Everything that keeps the text from being a spec: YAML (or JSON) errors, duplicate keys, several
 * documents, anchors, aliases, tags and YAML versions other than 1.2.
 */
function syntaxProblems(text: string, format: "yaml" | "json", docs: readonly Document.Parsed[], at: At): Problem[] {
  const problems: Problem[] = [];
  if (format === "json") {
    // Not JSON: that one problem says it; YAML's reading of the same text would only add noise.
    const p = jsonProblem(text, at);
    if (p !== undefined) return [p];
  }
  if (docs.length === 0) {
    problems.push(
      syntax(at(0), "is empty", "Write the lab's spec in it: name, network and hosts (see the README's example)."),
    );
    return problems;
  }
  const seen = new Set<string>();
  const once = (p: Problem) => {
    const key = `${p.position?.line}:${p.position?.column}:${p.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push(p);
  };
  for (const [i, doc] of docs.entries()) {
    if (i === 1) {
      once(
        syntax(
          at(doc.range[0]),
          `holds ${docs.length} YAML documents; a spec is one document`,
          "Remove the `---` and everything after it, or merge the documents into one.",
        ),
      );
    }
    for (const e of [...doc.errors, ...doc.warnings]) {
      // The message's own "at line L, column C" is dropped: the position is given once, in front.
      const message = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "");
      const fix =
        e.code === "DUPLICATE_KEY"
          ? "Keep one of the keys: the second would silently replace the first."
          : format === "json"
            ? "Fix the JSON syntax there."
            : "Fix the YAML syntax there.";
      const duplicate = `has the key ${JSON.stringify(keyAt(text, e.pos[0]))} twice`;
      once(syntax(at(e.pos[0]), e.code === "DUPLICATE_KEY" ? duplicate : message, fix));
    }
    const version = doc.directives?.yaml;
    if (version?.explicit === true && version.version !== "1.2") {
      once(
        syntax(
          at(0),
          `declares %YAML ${version.version}; specs are read as YAML 1.2`,
          "Remove the %YAML line (in YAML 1.1 `yes` is true and 0755 octal; in 1.2 they are text and 755).",
        ),
      );
    }
    visit(doc, {
      Alias(_key, node) {
        once(
          syntax(
            at(node.range?.[0] ?? 0),
            `uses the alias *${node.source}; specs do not take aliases`,
            "Write the value out where it is used: an alias can expand a small file into a huge one.",
          ),
        );
      },
      Node(_key, node) {
        const start = node.range?.[0] ?? 0;
        // A node's range starts at its value: its anchor and tag are written before it, on its line.
        const lineStart = text.lastIndexOf("\n", start - 1) + 1;
        const before = (mark: RegExp) => {
          const m = mark.exec(text.slice(lineStart, start));
          return m === null ? start : lineStart + m.index;
        };
        if (node.anchor !== undefined) {
          once(
            syntax(
              at(before(/&\S+\s*(?:!\S*\s*)?$/)),
              `sets the anchor &${node.anchor}; specs do not take anchors or aliases`,
              `Remove &${node.anchor} and write each value out where it is used.`,
            ),
          );
        }
        if (node.tag !== undefined) {
          once(
            syntax(
              at(before(/!\S*\s*(?:&\S+\s*)?$/)),
              `has the tag ${node.tag.replace(/^tag:yaml\.org,2002:/, "!!")}; specs do not take tags`,
              "Remove the tag and write the plain value (quote it to make it text).",
            ),
          );
        }
      },
      Pair(_key, pair) {
        if (pair.key !== null && !isScalar(pair.key)) {
          once(
            syntax(
              at((pair.key as YamlNode).range?.[0] ?? 0),
              "has a key that is a list or a map",
              "Use a plain name as the key.",
            ),
          );
        }
      },
    });
  }
  return problems.sort(byPosition);
}

/** Problems in the order of the file (those without a position last, in their own order). */
function byPosition(a: Problem, b: Problem): number {
  if (a.position === undefined || b.position === undefined) return a.position === undefined ? 1 : -1;
  return a.position.line - b.position.line || a.position.column - b.position.column;
}

/**
 * The first JSON syntax error of `text`, at its position when Node's message gives one (`at position N`,
 * the end of the input, or `(line L column C)`).
 */
function jsonProblem(text: string, at: At): Problem | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const offset = /at position (\d+)/.exec(message);
    const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
    const position =
      lineCol !== null
        ? { line: Number(lineCol[1]), column: Number(lineCol[2]) }
        : offset !== null
          ? at(Number(offset[1]))
          : /end of JSON input/.test(message)
            ? at(text.length)
            : undefined;
    const what = message
      .replace(/ in JSON at position \d+.*$/s, "")
      .replace(/,? ?\(line \d+ column \d+\).*$/s, "")
      .replace(/, ".*" is not valid JSON$/s, "");
    const problem = { level: "error" as const, path: [], message: `is not valid JSON: ${what}` };
    const fix = "Fix the JSON syntax there (JSON has no comments and no trailing commas).";
    return position === undefined ? { ...problem, fix } : { ...problem, fix, position };
  }
}

/** The text of the key that starts at `offset`: `name` or `"name"`, as written. */
function keyAt(text: string, offset: number): string {
  const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:,{}[\]\n]+)/.exec(text.slice(offset));
  const raw = (m?.[1] ?? "").trim();
  try {
    return raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.replace(/^'|'$/g, "");
  } catch {
    return raw;
  }
}

/**
 * Where `path` is written: the key of a map entry, the start of a list item; when the path goes on past
 * what is written (a missing field), where its nearest written parent is.
 */
function locate(doc: Document.Parsed, path: SpecPath, at: At): SpecPosition | undefined {
  let node: ParsedNode | null = doc.contents;
  if (node === null) return undefined;
  let offset = node.range[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) break;
      offset = (pair.key as ParsedNode).range[0];
      node = pair.value as ParsedNode | null;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as ParsedNode | undefined;
      if (item === undefined) break;
      offset = item.range[0];
      node = item;
    } else {
      break;
    }
    if (node === null) break;
  }
  return at(offset);
}
