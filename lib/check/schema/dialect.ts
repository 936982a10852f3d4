/**
 * The Kubernetes dialect of OpenAPI v3 as plain JSON schema for Ajv. `npm run import`
 * (scripts/import-crds.ts) runs {@link closedCrdSchema} on every served version of every CRD we use
 * and commits the result under `imports/schemas/`; at run time the check only compiles it.
 */
import { isObject, type JsonObject } from "./problem.js";

/** ObjectMeta for custom resources (the CRDs say only `type: object`): what the API server accepts. */
export const OBJECT_META_SCHEMA = {
  type: "object",
  properties: {
    name: { type: "string" },
    generateName: { type: "string" },
    namespace: { type: "string" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    annotations: { type: "object", additionalProperties: { type: "string" } },
    finalizers: { type: "array", items: { type: "string" } },
    ownerReferences: { type: "array", items: { type: "object" } },
    uid: { type: "string" },
    resourceVersion: { type: "string" },
    generation: { type: "integer" },
    creationTimestamp: { type: ["string", "null"] },
    deletionTimestamp: { type: ["string", "null"] },
    deletionGracePeriodSeconds: { type: "integer" },
    managedFields: { type: "array", items: { type: "object" } },
    selfLink: { type: "string" },
  },
  additionalProperties: false,
} as const;

/**
 * One schema node, translated:
 * - objects with `properties` get `additionalProperties: false` unless they set
 *   `additionalProperties` or `x-kubernetes-preserve-unknown-fields: true` (unknown fields are
 *   typos; the API server would silently prune them). Not inside anyOf/allOf/oneOf/not, whose
 *   branches only add value constraints;
 * - `x-kubernetes-int-or-string: true` stays a keyword (integer or string), `type`/`anyOf` dropped;
 * - `x-kubernetes-embedded-resource: true` adds apiVersion, kind and metadata;
 * - `x-kubernetes-list-type: set` -> `uniqueItems`; `map` keeps its keys for a keyword;
 * - `nullable: true` -> `type: [T, "null"]`;
 * - `x-kubernetes-validations` (CEL, see rules.ts), descriptions and examples are dropped.
 */
export function toAjvSchema(node: unknown, inJunctor = false): unknown {
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "description" || k === "x-kubernetes-validations" || k === "example") continue;
    if (k === "properties" && isObject(v))
      out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toAjvSchema(s)]));
    else if (k === "items") out[k] = Array.isArray(v) ? v.map((s) => toAjvSchema(s)) : toAjvSchema(v);
    else if (k === "additionalProperties" && isObject(v)) out[k] = toAjvSchema(v);
    else if ((k === "anyOf" || k === "allOf" || k === "oneOf") && Array.isArray(v))
      out[k] = v.map((s) => toAjvSchema(s, true));
    else if (k === "not") out[k] = toAjvSchema(v, true);
    else out[k] = v;
  }
  if (out["x-kubernetes-int-or-string"] === true) {
    delete out.type;
    delete out.anyOf;
  }
  if (out.nullable === true && typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  delete out.nullable;
  if (out["x-kubernetes-embedded-resource"] === true) {
    const props = isObject(out.properties) ? { ...out.properties } : {};
    props.apiVersion ??= { type: "string" };
    props.kind ??= { type: "string" };
    props.metadata = OBJECT_META_SCHEMA;
    out.properties = props;
    out.required = [...new Set([...(Array.isArray(out.required) ? out.required : []), "apiVersion", "kind"])];
  }
  if (out["x-kubernetes-list-type"] === "set") out.uniqueItems = true;
  if (out["x-kubernetes-list-type"] !== "map") delete out["x-kubernetes-list-map-keys"];
  if (
    !inJunctor &&
    isObject(out.properties) &&
    out.additionalProperties === undefined &&
    out["x-kubernetes-preserve-unknown-fields"] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

/** A served version's `openAPIV3Schema` as the closed root schema of a document (metadata as ObjectMeta). */
export function closedCrdSchema(openAPIV3Schema: JsonObject): JsonObject {
  const root = toAjvSchema(openAPIV3Schema) as JsonObject;
  root.properties = { ...(isObject(root.properties) ? root.properties : {}), metadata: OBJECT_META_SCHEMA };
  root.required = [
    ...new Set([...(Array.isArray(root.required) ? root.required : []), "apiVersion", "kind", "metadata"]),
  ];
  return root;
}
