/**
 * A JSON schema interpreter for the closed CRD schemas of imports/schemas/: it walks the schema and
 * the document together, so it costs nothing to prepare and only visits what the document holds.
 * (Ajv compiles the whole schema first: 0.2–0.4 s for a CNPG Cluster or a cert-manager Issuer,
 * paid again by every synth, for documents that use a few of its thousands of fields.)
 *
 * It knows the keywords the generated schemas use: `type` (one or a list), `properties`,
 * `required`, `additionalProperties` (false or a schema), `items`, `enum`, `format` (ajv-formats'
 * formats, Go durations), `pattern` (Go RE2 syntax), `minLength`/`maxLength`, `minimum`/`maximum`,
 * `minItems`/`maxItems`, `uniqueItems`, `anyOf`/`oneOf`/`allOf`/`not`, and the Kubernetes extensions
 * `x-kubernetes-int-or-string` and `x-kubernetes-list-map-keys` (keys unique in a list of type map).
 * Errors have Ajv's shape and messages, so ajvProblems turns them into problems.
 */
import type { ErrorObject } from "ajv";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { describeValue } from "../../model/problems.js";
import { isObject, type JsonObject } from "./problem.js";

/** Go's time.ParseDuration syntax (Kubernetes' `format: duration`; not ISO 8601 as in ajv-formats). */
const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$|^[-+]?0$/;

const patterns = new Map<string, RegExp>();

/** A Go (RE2) pattern as a JS RegExp (cached): a leading `(?i)`/`(?s)`/`(?m)` becomes a flag. */
function goRegExp(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (re) return re;
  let flags = ""; // as Ajv with unicodeRegExp: false: Go patterns are not all valid with the u flag
  let p = pattern;
  const m = /^(\^?)\(\?([ims]+)\)/.exec(pattern);
  if (m) {
    p = m[1]! + pattern.slice(m[0].length);
    flags += m[2];
  }
  re = new RegExp(p, flags);
  patterns.set(pattern, re);
  return re;
}

type FormatCheck = { type: "string" | "number"; test: (v: never) => boolean };

const formats = new Map<string, FormatCheck | null>();

/** The check of format `name` (built once per name), or undefined when the format is not judged. */
function formatCheck(name: string): FormatCheck | undefined {
  let f = formats.get(name);
  if (f === undefined) {
    f = formatCheckOf(name) ?? null;
    formats.set(name, f);
  }
  return f ?? undefined;
}

function formatCheckOf(name: string): FormatCheck | undefined {
  if (name === "duration") return { type: "string", test: (v: string) => GO_DURATION.test(v) };
  const f = (fullFormats as Record<string, unknown>)[name];
  if (f instanceof RegExp) return { type: "string", test: (v: string) => f.test(v) };
  if (typeof f === "function") return { type: "string", test: f as (v: never) => boolean };
  if (isObject(f) && typeof f.validate === "function") {
    const validate = f.validate as (v: never) => boolean;
    return { type: f.type === "number" ? "number" : "string", test: validate };
  }
  if (isObject(f) && f.validate instanceof RegExp) {
    const re = f.validate;
    return { type: "string", test: (v: string) => re.test(v) };
  }
  return undefined; // unknown formats are not judged (as Ajv with strict: false)
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case "integer":
      return Number.isInteger(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "object":
      return isObject(v);
    default:
      return typeOf(v) === type;
  }
}

const pointerEscape = (key: string): string =>
  key.includes("~") || key.includes("/") ? key.replace(/~/g, "~0").replace(/\//g, "~1") : key;

function equal(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === "object" && JSON.stringify(a) === JSON.stringify(b));
}

/** Validates `data` against `schema`, appending Ajv-shaped errors (all of them) to `errors`. */
export function interpret(schema: unknown, data: unknown, at: string, errors: ErrorObject[]): void {
  if (schema === false) {
    errors.push(error("false schema", at, {}, "boolean schema is false", schema));
    return;
  }
  if (!isObject(schema)) return;
  const s = schema;
  if (s["x-kubernetes-int-or-string"] === true && typeof data !== "string" && !Number.isInteger(data)) {
    errors.push(
      error("x-kubernetes-int-or-string", at, {}, `must be integer or string (got ${describeValue(data)})`, s),
    );
    return;
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [String(s.type)];
    if (!types.some((t) => hasType(data, t))) {
      errors.push(error("type", at, { type: types.join(",") }, `must be ${types.join(",")}`, s));
      return;
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => equal(e, data)))
    errors.push(error("enum", at, { allowedValues: s.enum }, "must be equal to one of the allowed values", s));
  if (typeof data === "string") strings(s, data, at, errors);
  else if (typeof data === "number") numbers(s, data, at, errors);
  else if (Array.isArray(data)) arrays(s, data, at, errors);
  else if (isObject(data)) objects(s, data, at, errors);
  junctors(s, data, at, errors);
}

function error(keyword: string, at: string, params: object, message: string, parentSchema: unknown): ErrorObject {
  return { keyword, instancePath: at, schemaPath: "", params, message, parentSchema } as ErrorObject;
}

function strings(s: JsonObject, data: string, at: string, errors: ErrorObject[]): void {
  const length = s.minLength !== undefined || s.maxLength !== undefined ? [...data].length : 0;
  if (typeof s.minLength === "number" && length < s.minLength)
    errors.push(
      error("minLength", at, { limit: s.minLength }, `must NOT have fewer than ${s.minLength} characters`, s),
    );
  if (typeof s.maxLength === "number" && length > s.maxLength)
    errors.push(error("maxLength", at, { limit: s.maxLength }, `must NOT have more than ${s.maxLength} characters`, s));
  if (typeof s.pattern === "string" && !goRegExp(s.pattern).test(data))
    errors.push(error("pattern", at, { pattern: s.pattern }, `must match pattern "${s.pattern}"`, s));
  if (typeof s.format === "string") {
    const f = formatCheck(s.format);
    if (f?.type === "string" && !f.test(data as never))
      errors.push(error("format", at, { format: s.format }, `must match format "${s.format}"`, s));
  }
}

function numbers(s: JsonObject, data: number, at: string, errors: ErrorObject[]): void {
  if (typeof s.minimum === "number" && data < s.minimum)
    errors.push(error("minimum", at, { comparison: ">=", limit: s.minimum }, `must be >= ${s.minimum}`, s));
  if (typeof s.maximum === "number" && data > s.maximum)
    errors.push(error("maximum", at, { comparison: "<=", limit: s.maximum }, `must be <= ${s.maximum}`, s));
  if (typeof s.format === "string") {
    const f = formatCheck(s.format);
    if (f?.type === "number" && !f.test(data as never))
      errors.push(error("format", at, { format: s.format }, `must match format "${s.format}"`, s));
  }
}

function arrays(s: JsonObject, data: unknown[], at: string, errors: ErrorObject[]): void {
  if (typeof s.minItems === "number" && data.length < s.minItems)
    errors.push(error("minItems", at, { limit: s.minItems }, `must NOT have fewer than ${s.minItems} items`, s));
  if (typeof s.maxItems === "number" && data.length > s.maxItems)
    errors.push(error("maxItems", at, { limit: s.maxItems }, `must NOT have more than ${s.maxItems} items`, s));
  if (s.items !== undefined && !Array.isArray(s.items))
    data.forEach((item, i) => interpret(s.items, item, `${at}/${i}`, errors));
  if (s.uniqueItems === true) {
    const seen = new Map<string, number>();
    data.forEach((item, i) => {
      const key = JSON.stringify(item);
      const j = seen.get(key);
      if (j === undefined) seen.set(key, i);
      else
        errors.push(
          error("uniqueItems", at, { i, j }, `must NOT have duplicate items (items ## ${j} and ${i} are identical)`, s),
        );
    });
  }
  const keys = s["x-kubernetes-list-map-keys"];
  if (Array.isArray(keys)) {
    const seen = new Map<string, number>();
    data.forEach((item, i) => {
      if (!isObject(item)) return;
      const id = JSON.stringify(keys.map((k: string) => item[k] ?? null));
      const first = seen.get(id);
      if (first === undefined) seen.set(id, i);
      else
        errors.push(
          error(
            "x-kubernetes-list-map-keys",
            `${at}/${i}`,
            { keys },
            `duplicate entry: same ${keys.join("+")} as item ${first} (${id})`,
            s,
          ),
        );
    });
  }
}

function objects(s: JsonObject, data: JsonObject, at: string, errors: ErrorObject[]): void {
  if (Array.isArray(s.required))
    for (const r of s.required as string[])
      if (data[r] === undefined)
        errors.push(error("required", at, { missingProperty: r }, `must have required property '${r}'`, s));
  const props = isObject(s.properties) ? s.properties : undefined;
  for (const k in data) {
    const v = data[k];
    if (v === undefined) continue; // not serialized
    const sub = props?.[k];
    if (sub !== undefined) interpret(sub, v, `${at}/${pointerEscape(k)}`, errors);
    else if (s.additionalProperties === false)
      errors.push(
        error("additionalProperties", at, { additionalProperty: k }, "must NOT have additional properties", s),
      );
    else if (isObject(s.additionalProperties))
      interpret(s.additionalProperties, v, `${at}/${pointerEscape(k)}`, errors);
  }
}

function junctors(s: JsonObject, data: unknown, at: string, errors: ErrorObject[]): void {
  if (Array.isArray(s.allOf)) for (const sub of s.allOf) interpret(sub, data, at, errors);
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const branches = s[keyword];
    if (!Array.isArray(branches)) continue;
    const results = branches.map((sub) => {
      const errs: ErrorObject[] = [];
      interpret(sub, data, at, errs);
      return errs;
    });
    const passing = results.filter((r) => r.length === 0).length;
    if (keyword === "anyOf" ? passing === 0 : passing !== 1) {
      if (passing === 0) errors.push(...results.flat());
      const message = keyword === "anyOf" ? "must match a schema in anyOf" : "must match exactly one schema in oneOf";
      errors.push(error(keyword, at, {}, message, s));
    }
  }
  if (s.not !== undefined) {
    const errs: ErrorObject[] = [];
    interpret(s.not, data, at, errs);
    if (errs.length === 0) errors.push(error("not", at, {}, "must NOT be valid", s));
  }
}
