/**
 * What the API server checks about every object's metadata that the schemas do not: the name's
 * syntax (per kind), the namespace, label keys and values, annotation keys.
 */
import { isRfc1035Label, isRfc1123Label, isRfc1123Subdomain } from "../../model/names.js";
import { isObject, type SchemaProblem } from "./problem.js";

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Answers per string, for what every document repeats (label and annotation keys, names such as
 * `default-deny` in every namespace): a Map lookup instead of a regex and a split. Emptied when full, so
 * a long-lived process does not grow it without end.
 */
class Memo<T> {
  /** `null` stands for an answer `undefined`, so one lookup tells a known answer from an unknown string. */
  private readonly answers = new Map<string, T | null>();
  constructor(private readonly compute: (s: string) => T) {}
  get(s: string): T {
    const known = this.answers.get(s);
    if (known !== undefined) return (known === null ? undefined : known) as T;
    const answer = this.compute(s);
    if (this.answers.size >= 20_000) this.answers.clear();
    this.answers.set(s, answer === undefined ? null : answer);
    return answer;
  }
}

const qualifiedNames = new Memo(qualifiedNameProblemOf);

/** Why `key` is not a qualified name (`[prefix/]name`), or undefined when it is one. */
export function qualifiedNameProblem(key: string): string | undefined {
  return qualifiedNames.get(key);
}

function qualifiedNameProblemOf(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return "must be [prefix/]name";
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (!isRfc1123Subdomain(prefix)) return `prefix ${JSON.stringify(prefix)} must be a DNS-1123 subdomain`;
  }
  if (name.length > 63 || !QUALIFIED_NAME.test(name))
    return (
      `name part ${JSON.stringify(name)} must be at most 63 characters of [-A-Za-z0-9_.], ` +
      "starting and ending alphanumeric"
    );
  return undefined;
}

const subdomains = new Memo(isRfc1123Subdomain);
const labels = new Memo((s: string) => isRfc1123Label(s));

function nameProblem(group: string, kind: string, name: string): SchemaProblem | undefined {
  const at = ["metadata", "name"];
  const fix = "rename it (lower-case letters, digits and '-')";
  const q = JSON.stringify(name);
  if (group === "rbac.authorization.k8s.io") {
    return name === "." || name === ".." || /[/%]/.test(name)
      ? { path: at, message: `${q} is not a valid path segment name`, fix: "rename it (no '/', '%', '.' or '..')" }
      : undefined;
  }
  if (group === "" && kind === "Service") {
    return isRfc1035Label(name)
      ? undefined
      : {
          path: at,
          message:
            `${q} must be a DNS-1035 label ` +
            "(lower-case alphanumerics and '-', starting with a letter, at most 63 characters)",
          fix: "rename it (a Service name starts with a letter)",
        };
  }
  if (group === "" && kind === "Namespace") {
    return isRfc1123Label(name)
      ? undefined
      : {
          path: at,
          message: `${q} must be a DNS-1123 label (lower-case alphanumerics and '-', at most 63 characters)`,
          fix,
        };
  }
  return subdomains.get(name)
    ? undefined
    : {
        path: at,
        message: `${q} must be a DNS-1123 subdomain (lower-case alphanumerics, '-' and '.', at most 253 characters)`,
        fix,
      };
}

/** Problems of `meta` (a document's `metadata`) for an object of `apiVersion` and `kind`. */
export function metadataProblems(apiVersion: string, kind: string, meta: unknown): SchemaProblem[] {
  if (!isObject(meta)) return [{ path: ["metadata"], message: "required object is missing", fix: "set metadata.name" }];
  const out: SchemaProblem[] = [];
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const name = meta.name;
  if (typeof name !== "string" || name === "") {
    if (typeof meta.generateName !== "string")
      out.push({ path: ["metadata", "name"], message: "required field is missing", fix: "name the object" });
  } else {
    const p = nameProblem(group, kind, name);
    if (p) out.push(p);
  }
  if (typeof meta.namespace === "string" && !labels.get(meta.namespace)) {
    out.push({
      path: ["metadata", "namespace"],
      message: `${JSON.stringify(meta.namespace)} must be a DNS-1123 label`,
      fix: "use a namespace name of lower-case letters, digits and '-'",
    });
  }
  if (isObject(meta.labels)) {
    for (const k in meta.labels) {
      const v = meta.labels[k];
      const keyProblem = qualifiedNames.get(k);
      if (keyProblem)
        out.push({
          path: ["metadata", "labels", k],
          message: `invalid label key: ${keyProblem}`,
          fix: "rename the label key",
        });
      if (typeof v === "string" && (v.length > 63 || !LABEL_VALUE.test(v))) {
        out.push({
          path: ["metadata", "labels", k],
          message:
            `invalid label value ${JSON.stringify(v)}: at most 63 characters of [-A-Za-z0-9_.], ` +
            "starting and ending alphanumeric",
          fix: "shorten or simplify the value (free text belongs in an annotation)",
        });
      }
    }
  }
  if (isObject(meta.annotations)) {
    for (const k in meta.annotations) {
      const keyProblem = qualifiedNames.get(k);
      if (keyProblem)
        out.push({
          path: ["metadata", "annotations", k],
          message: `invalid annotation key: ${keyProblem}`,
          fix: "rename the annotation key",
        });
    }
  }
  return out;
}
