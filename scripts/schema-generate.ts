/**
 * The JSON Schema of a homelab spec, from the model's TypeScript types: ts-json-schema-generator reads
 * the types and their doc comments; the `@default` tags are read here with the TypeScript compiler, so
 * that the lab's convention (`@default VALUE - why`) becomes a `default` (when VALUE is JSON) or a line
 * of the description (when it is not). Used by scripts/schema.ts and its drift test.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createGenerator } from "ts-json-schema-generator";
import ts from "typescript";

type JsonSchema = { [key: string]: unknown };

/** The schema's address in the package, which editors resolve relative to the spec file. */
export const SCHEMA_PATH = "schema/homelab.schema.json";

/** `{@link Foo}` and `{@link Foo | text}` as plain text. */
const plain = (text: string) =>
  text
    .replace(/\{@link\s+([^}|]+?)\s*(?:\|\s*([^}]+?))?\s*\}/g, (_m, name: string, label?: string) => label ?? name)
    // The generator writes `{@link name}` as " name ": close the gaps it leaves.
    .replace(/\( (\S+) \)/g, "($1)")
    .replace(/ {2}(\S+) (?=[,.;)])/g, " $1");

/**
 * Every `@default` of the spec's types, by `Type.property` (and `Type.property.inner` for an object
 * type written inline), as written.
 */
function defaultsOf(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const members = (prefix: string, list: ts.NodeArray<ts.TypeElement>) => {
    for (const m of list) {
      if (!ts.isPropertySignature(m) || m.name === undefined) continue;
      if (!ts.isIdentifier(m.name) && !ts.isStringLiteral(m.name)) continue;
      const key = `${prefix}.${m.name.text}`;
      for (const tag of ts.getJSDocTags(m)) {
        if (tag.tagName.text !== "default") continue;
        const comment = ts.getTextOfJSDocComment(tag.comment);
        if (comment !== undefined) found.set(key, comment.replace(/\s*\n\s*/g, " ").trim());
      }
      if (m.type !== undefined && ts.isTypeLiteralNode(m.type)) members(key, m.type.members);
    }
  };
  for (const name of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort()) {
    const text = fs.readFileSync(path.join(dir, name), "utf8");
    const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
    file.forEachChild((node) => {
      if (ts.isInterfaceDeclaration(node)) members(node.name.text, node.members);
    });
  }
  return found;
}

/** `VALUE - why` split: the JSON value (when VALUE is JSON) and the text for the description. */
function readDefault(written: string): { value?: unknown; text: string } {
  const dash = written.indexOf(" - ");
  const head = (dash === -1 ? written : written.slice(0, dash)).trim();
  try {
    return { value: JSON.parse(head), text: plain(written) };
  } catch {
    return { text: plain(written) };
  }
}

/** Adds the defaults to the properties of `schema` (a definition named `name`), recursing into inline objects. */
function applyDefaults(schema: JsonSchema, name: string, defaults: ReadonlyMap<string, string>): void {
  const props = schema["properties"] as Record<string, JsonSchema> | undefined;
  if (props === undefined) return;
  for (const [prop, sub] of Object.entries(props)) {
    const key = `${name}.${prop}`;
    delete sub["default"]; // the generator's own reading of @default: replaced by ours
    const written = defaults.get(key);
    if (written !== undefined) {
      const { value, text } = readDefault(written);
      if (value !== undefined) sub["default"] = value;
      const description = typeof sub["description"] === "string" ? `${sub["description"]}\n\n` : "";
      sub["description"] = `${description}Default: ${text}`;
    }
    if (typeof sub["description"] === "string") sub["description"] = plain(sub["description"]);
    applyDefaults(sub, key, defaults);
  }
}

/** The JSON Schema of HomelabSpec, as the text of schema/homelab.schema.json. */
export function homelabSchemaText(repo: string): string {
  const specFile = path.join(repo, "lib/model/spec.ts");
  const generator = createGenerator({
    path: specFile,
    tsconfig: path.join(repo, "tsconfig.json"),
    type: "HomelabSpec",
    jsDoc: "extended",
    skipTypeCheck: true,
    additionalProperties: false,
    topRef: true,
    sortProps: false,
    // A field that takes a function (a TypeScript-only hook) cannot be written in YAML or JSON: left out.
    functions: "hide",
  });
  const schema = generator.createSchema("HomelabSpec") as JsonSchema;
  const defaults = defaultsOf(path.join(repo, "lib/model"));
  const definitions = schema["definitions"] as Record<string, JsonSchema>;
  for (const [name, def] of Object.entries(definitions)) {
    if (typeof def["description"] === "string") def["description"] = plain(def["description"]);
    applyDefaults(def, name, defaults);
  }
  // Editors find the schema through this key in a JSON spec; the loader drops it before validation.
  const root = definitions["HomelabSpec"]!;
  root["properties"] = {
    $schema: { type: "string", description: "The JSON Schema editors check this file with (ignored by the loader)." },
    ...(root["properties"] as object),
  };
  const out = {
    $schema: schema["$schema"],
    title: "cdk8s-homelab spec",
    description:
      "A homelab spec (homelab.yaml or homelab.json), generated from the TypeScript type HomelabSpec of " +
      "cdk8s-homelab (npm run schema). Do not edit.",
    $ref: schema["$ref"],
    definitions,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
