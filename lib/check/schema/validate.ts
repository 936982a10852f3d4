/**
 * One document against its schema: core kinds (kubernetes-models), bundled custom resources
 * (imports/schemas), then the metadata rules and the mirrored CEL rules.
 */
import { hasSopsMetadata, SOPS_VALUE } from "../../k8s/sops.js";
import { coreKinds, coreModel, coreProblems, groupOf } from "./core.js";
import { bundledVersions, customResourceProblems, isBundledGroup } from "./custom-resources.js";
import { metadataProblems } from "./metadata.js";
import { isObject, type JsonObject, type SchemaProblem } from "./problem.js";
import { ruleProblems } from "./rules.js";

/** Options of {@link validateDocument}. */
export interface ValidateOptions {
  /**
   * Whether a kind of an API group the package has no schema for is a problem.
   *
   * @default false - not judged: a lab may use CRDs of its own
   */
  readonly unknownKinds?: boolean;
  /**
   * Whether to apply the mirrored CEL rules (rules.ts) too.
   *
   * @default true
   */
  readonly rules?: boolean;
}

/**
 * What the cluster sees after Flux's SOPS decryption: the `sops` key removed and every `ENC[...]`
 * value replaced by a placeholder of its declared type (`type:str` -> "", `int`/`float` -> 0,
 * `bool` -> false), so the schema checks the shape only.
 */
function withoutSops(doc: JsonObject): JsonObject {
  if (!hasSopsMetadata(doc)) return doc;
  const placeholder = (s: string): unknown => {
    if (!SOPS_VALUE.test(s)) return s;
    const type = /,type:([a-z]+)\]$/.exec(s)?.[1];
    return type === "int" || type === "float" ? 0 : type === "bool" ? false : "";
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return placeholder(v);
    if (Array.isArray(v)) return v.map(walk);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const { sops: _sops, ...rest } = doc;
  return walk(rest) as JsonObject;
}

function notServed(apiVersion: string, kind: string, group: string): SchemaProblem {
  const version = apiVersion.slice(group === "" ? 0 : group.length + 1);
  const bundled = bundledVersions(group, kind) ?? {};
  const alternatives = [
    ...Object.keys(bundled)
      .filter((v) => v !== version)
      .map((v) => `${group}/${v}`),
    ...[...coreKinds().values()]
      .filter((c) => c.kind === kind && groupOf(c.apiVersion) === group)
      .map((c) => c.apiVersion),
  ];
  const hint =
    alternatives.length > 0
      ? `; ${kind} is served as ${alternatives.join(", ")}`
      : `; no core API or bundled CRD schema defines ${kind}`;
  return {
    path: ["apiVersion"],
    message: `unknown or not served: no schema for ${apiVersion} ${kind}${hint}`,
    fix:
      alternatives.length > 0
        ? `use apiVersion ${alternatives[0]}`
        : "check the apiVersion and kind (a kind of an API group cdk8s-homelab ships schemas for must be one of them)",
  };
}

/** Every schema problem of `doc` (empty when valid), sorted by path. Does not change `doc`. */
export function validateDocument(doc: unknown, options: ValidateOptions = {}): SchemaProblem[] {
  if (!isObject(doc)) return [{ path: [], message: "a manifest must be a mapping", fix: "render an object" }];
  const { apiVersion, kind } = doc;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || apiVersion === "" || kind === "") {
    const field = typeof apiVersion === "string" && apiVersion !== "" ? "kind" : "apiVersion";
    return [{ path: [field], message: "required string is missing", fix: `set ${field}` }];
  }
  const effective = withoutSops(doc);
  const group = groupOf(apiVersion);
  const model = coreModel(apiVersion, kind);
  let problems: SchemaProblem[];
  if (model) {
    problems = coreProblems(model, effective);
  } else {
    const schema = bundledVersions(group, kind)?.[apiVersion.slice(group.length + 1)];
    if (schema === undefined || group === "") {
      const known =
        group === "" || isBundledGroup(group) || [...coreKinds().values()].some((c) => groupOf(c.apiVersion) === group);
      return known || options.unknownKinds ? [notServed(apiVersion, kind, group)] : [];
    }
    problems = customResourceProblems(schema, effective);
  }
  problems.push(...metadataProblems(apiVersion, kind, effective.metadata));
  if (options.rules !== false) problems.push(...ruleProblems(apiVersion, kind, effective));
  return problems;
}
