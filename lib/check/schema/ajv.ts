/** The one Ajv instance of the schema check: Kubernetes formats and the x-kubernetes-* keywords. */
import { Ajv, type ErrorObject, type SchemaValidateFunction } from "ajv";
import addFormatsModule, { type FormatsPlugin } from "ajv-formats";
import { describeValue } from "../../model/problems.js";
import { isObject } from "./problem.js";

/** Go's time.ParseDuration syntax (Kubernetes' `format: duration`; not ISO 8601 as in ajv-formats). */
const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^[-+]?0$/;

/** Go (RE2) patterns as JS RegExps: a leading `(?i)`/`(?s)`/`(?m)` becomes a flag. */
const goRegExp = Object.assign(
  (pattern: string, u: string): RegExp => {
    let flags = u;
    const m = /^(\^?)\(\?([ims]+)\)/.exec(pattern);
    let p = pattern;
    if (m) {
      p = m[1]! + pattern.slice(m[0].length);
      flags += m[2];
    }
    try {
      return new RegExp(p, flags);
    } catch {
      return new RegExp(p, flags.replace("u", ""));
    }
  },
  { code: "goRegExp" },
);

const intOrString: SchemaValidateFunction = (schema: boolean, data: unknown) => {
  if (!schema || typeof data === "string" || Number.isInteger(data)) return true;
  intOrString.errors = [
    {
      keyword: "x-kubernetes-int-or-string",
      message: `must be integer or string (got ${describeValue(data)})`,
      params: {},
    },
  ];
  return false;
};

const listMapKeys: SchemaValidateFunction = (keys: string[], data: unknown, _parent, cxt) => {
  if (!Array.isArray(data)) return true;
  const seen = new Map<string, number>();
  const errs: Partial<ErrorObject>[] = [];
  data.forEach((item, i) => {
    if (!isObject(item)) return;
    const id = JSON.stringify(keys.map((k) => item[k] ?? null));
    const first = seen.get(id);
    if (first === undefined) seen.set(id, i);
    else
      errs.push({
        keyword: "x-kubernetes-list-map-keys",
        message: `duplicate entry: same ${keys.join("+")} as item ${first} (${id})`,
        params: { keys },
        instancePath: `${cxt?.instancePath ?? ""}/${i}`,
      });
  });
  listMapKeys.errors = errs;
  return errs.length === 0;
};

let instance: Ajv | undefined;

/** The shared Ajv (created on first use): all errors, Go regexps, Go durations, the Kubernetes keywords. */
export function kubernetesAjv(): Ajv {
  if (instance) return instance;
  const a = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true, // errors carry their parent schema: "did you mean" names a known field
    logger: false,
    unicodeRegExp: false,
    code: { regExp: goRegExp },
  });
  const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
    addFormatsModule) as FormatsPlugin;
  addFormats(a);
  a.addFormat("duration", GO_DURATION);
  a.addKeyword({ keyword: "x-kubernetes-int-or-string", schemaType: "boolean", errors: true, validate: intOrString });
  a.addKeyword({ keyword: "x-kubernetes-list-map-keys", schemaType: "array", errors: true, validate: listMapKeys });
  instance = a;
  return a;
}
