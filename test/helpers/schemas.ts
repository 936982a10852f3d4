/**
 * Schema validation of synthesized Kubernetes manifests, offline.
 *
 * - Core kinds (the GA API groups of a current Kubernetes) are validated with the
 *   precompiled Ajv validators that `kubernetes-models` ships. Those validators do
 *   NOT reject unknown fields (the Kubernetes OpenAPI has no
 *   `additionalProperties: false`, so `spec.replicass` or `imagePullPolicyy`
 *   pass). The package ships no JSON schema to walk either (only compiled code and
 *   `.d.ts`), so unknown fields are found by running the validator on a Proxy of
 *   the document that records which keys the validator looks up: the compiled
 *   code reads every property its schema declares (`data.replicas`, ...) and
 *   enumerates the keys of maps (`for (k in data)`), so a key of an object whose
 *   properties were looked up, but which itself never was, is not in the schema.
 *   Objects the validator never looked into (free-form ones such as RawExtension)
 *   are not judged.
 * - Custom resources are validated with Ajv against the served version's
 *   `openAPIV3Schema` of the upstream CRDs in `../shared/crds` (read at test time,
 *   never copied), after a transform that gives the Kubernetes extensions their
 *   meaning and closes every object schema that lists `properties`, so that unknown
 *   (typo) fields are errors, as with `kubectl apply --validate=strict`.
 * - CEL rules (`x-kubernetes-validations`) are not evaluated. The ones in the
 *   vendored CRDs that JSON schema cannot express, and that matter when writing
 *   manifests (see {@link celRules} to list them all):
 *     - HelmRelease `spec`: exactly one of `chart` and `chartRef`
 *       (mirrored by {@link helmReleaseChartRule});
 *     - HelmRelease / Kustomization `spec.kubeConfig`: exactly one of
 *       `configMapRef` and `secretRef`;
 *     - HelmRelease remediation strategies: `retryInterval` only with `RetryOnFailure`;
 *     - HelmChart `spec.verify` only with `sourceRef.kind: HelmRepository`;
 *     - GitRepository `spec.serviceAccountName` only with `provider: azure` or `aws`;
 *     - CNPG Cluster: `imageName` and `imageCatalogRef` are mutually exclusive;
 *       `imageCatalogRef` must name an (Cluster)ImageCatalog of postgresql.cnpg.io;
 *       initdb `builtinLocale`/`icuLocale`/`icuRules` only with the matching
 *       `localeProvider`; synchronous replication `number > 0` and the
 *       `dataDurability: preferred` constraint;
 *     - cert-manager Issuer/ClusterIssuer venafi: exactly one of tpp, cloud, ngts.
 *   Transition rules (`self == oldSelf`, immutability) only apply to updates.
 *
 * What kubernetes-models checks natively: types, required fields, enums, formats
 * (byte/base64, quantity, date-time, int32/int64), int-or-string and quantity
 * unions, ObjectMeta's shape (labels/annotations string maps). What it does not:
 * unknown fields (added here), names and label syntax (added here, see
 * metadataProblems), and what the API server checks in Go code: numeric ranges
 * (containerPort <= 65535), unique container/port names, a Deployment's selector
 * matching its template labels.
 *
 * Not judged anywhere: keys under a CRD's bare `type: object` without properties
 * (controller-gen emits that for embedded ObjectMeta in pod templates; the API
 * server prunes such keys silently), and documents' YAML 1.1 quirks.
 *
 * Exports: validateManifest (schema), helmReleaseChartRule, cnpgScheduleRule,
 * noPlaintextSecrets, podSecurityLabels (rules), checkManifest (all of them),
 * loadYamlDocuments, listYamlFiles, collectDistDocuments, kustomizationTreeProblems,
 * checkDistTree (files), celRules and servedCustomResources (CRD inventory).
 * Validators are compiled lazily, once per kind, and cached.
 */
import { sharedAvailable } from "./shared.js";
import * as fs from "node:fs";
import * as path from "node:path";
import { Ajv, type ErrorObject, type SchemaValidateFunction, type ValidateFunction } from "ajv";
import addFormatsModule, { type FormatsPlugin } from "ajv-formats";
import { SOPS_VALUE, hasSopsMetadata, secretEncryptionProblems } from "../../lib/k8s/sops.js";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import * as admissionregistrationV1 from "kubernetes-models/admissionregistration.k8s.io/v1";
import * as apiextensionsV1 from "kubernetes-models/apiextensions.k8s.io/v1";
import * as apiregistrationV1 from "kubernetes-models/apiregistration.k8s.io/v1";
import * as appsV1 from "kubernetes-models/apps/v1";
import * as autoscalingV1 from "kubernetes-models/autoscaling/v1";
import * as autoscalingV2 from "kubernetes-models/autoscaling/v2";
import * as batchV1 from "kubernetes-models/batch/v1";
import * as certificatesV1 from "kubernetes-models/certificates.k8s.io/v1";
import * as coordinationV1 from "kubernetes-models/coordination.k8s.io/v1";
import * as discoveryV1 from "kubernetes-models/discovery.k8s.io/v1";
import * as eventsV1 from "kubernetes-models/events.k8s.io/v1";
import * as flowcontrolV1 from "kubernetes-models/flowcontrol.apiserver.k8s.io/v1";
import * as networkingV1 from "kubernetes-models/networking.k8s.io/v1";
import * as nodeV1 from "kubernetes-models/node.k8s.io/v1";
import * as policyV1 from "kubernetes-models/policy/v1";
import * as rbacV1 from "kubernetes-models/rbac.authorization.k8s.io/v1";
import * as schedulingV1 from "kubernetes-models/scheduling.k8s.io/v1";
import * as storageV1 from "kubernetes-models/storage.k8s.io/v1";
import * as coreV1 from "kubernetes-models/v1";
import { isRfc1035Label, isRfc1123Label, isRfc1123Subdomain } from "../../lib/model/names.js";
import { cronScheduleProblem } from "../../lib/model/cron.js";
import { describeValue, formatPath } from "../../lib/model/problems.js";

/** The project root (test/helpers/../..). */
export const projectRoot = path.resolve(import.meta.dirname, "../..");
/** The vendored upstream CRDs, read in place (never copied into the project). */
export const crdDir = path.resolve(projectRoot, "../shared/crds");

/** Whether the upstream CRDs in ../shared/crds are there, for `it.skipIf(!crdsAvailable(...))` (see helpers/shared.ts). */
export function crdsAvailable(what: string): boolean {
  return sharedAvailable("crds", `${what} (validation against the upstream CRDs)`);
}

// ---------------------------------------------------------------------------
// Small utilities

type JsonObject = { [key: string]: unknown };

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A problem found in a document: where (path segments from the root) and what. */
interface Problem {
  path: readonly (string | number)[];
  message: string;
}

/** `kind/namespace/name` (`kind/name` for objects without a namespace). */
export function describeDocument(doc: unknown): string {
  if (!isObject(doc)) return `<${doc === null ? "null" : Array.isArray(doc) ? "array" : typeof doc} document>`;
  const kind = typeof doc.kind === "string" ? doc.kind : "<no kind>";
  const meta = isObject(doc.metadata) ? doc.metadata : {};
  const name = typeof meta.name === "string" ? meta.name : "<no name>";
  return typeof meta.namespace === "string" ? `${kind}/${meta.namespace}/${name}` : `${kind}/${name}`;
}

/** `label: path: message` lines, sorted by path (stable for equal paths). */
function render(doc: unknown, problems: readonly Problem[]): string[] {
  const label = describeDocument(doc);
  const lines = problems.map((p) => ({ at: formatPath(p.path), message: p.message }));
  lines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return lines.map((l) => `${label}: ${l.at}: ${l.message}`);
}

/** JSON pointer (Ajv instancePath) to segments; array indices become numbers (judged by the data). */
function pointerToSegments(data: unknown, pointer: string): (string | number)[] {
  if (pointer === "") return [];
  const out: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = isObject(cur) ? cur[seg] : undefined;
    }
  }
  return out;
}

/** Turns Ajv errors into problems: unknown/missing fields get their own path, int-or-string noise is merged. */
function ajvProblems(data: unknown, errors: readonly ErrorObject[]): Problem[] {
  // Union branches (int-or-string, quantity) report one `type` error per branch plus
  // the anyOf/oneOf failure: merge them into one "must be X or Y".
  const unionAt = new Set(
    errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf").map((e) => e.instancePath),
  );
  const merged = new Map<string, string[]>();
  const out: Problem[] = [];
  const seen = new Set<string>();
  const push = (p: Problem): void => {
    const key = `${formatPath(p.path)}\0${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  for (const e of errors) {
    const at = pointerToSegments(data, e.instancePath);
    if (unionAt.has(e.instancePath) && e.keyword === "type") {
      const list = merged.get(e.instancePath) ?? [];
      list.push(String((e.params as { type?: unknown }).type));
      merged.set(e.instancePath, list);
      continue;
    }
    if (unionAt.has(e.instancePath) && (e.keyword === "anyOf" || e.keyword === "oneOf")) continue;
    switch (e.keyword) {
      case "additionalProperties":
        push({
          path: [...at, String((e.params as { additionalProperty: string }).additionalProperty)],
          message: "unknown field (not in the schema)",
        });
        break;
      case "required":
        push({
          path: [...at, String((e.params as { missingProperty: string }).missingProperty)],
          message: "required field is missing",
        });
        break;
      case "enum":
        push({
          path: at,
          message: `must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(", ")} (got ${JSON.stringify(valueAt(data, at))})`,
        });
        break;
      case "type":
        push({
          path: at,
          message: `must be ${String((e.params as { type: unknown }).type)} (got ${describeValue(valueAt(data, at))})`,
        });
        break;
      default:
        push({ path: at, message: e.message ?? `fails ${e.keyword}` });
    }
  }
  for (const [pointer, types] of merged) {
    // Some branch accepted the type but not the value (e.g. a quantity string that
    // fails format "quantity"): that error says it all.
    if (errors.some((e) => e.instancePath === pointer && !["type", "anyOf", "oneOf"].includes(e.keyword))) continue;
    const at = pointerToSegments(data, pointer);
    push({
      path: at,
      message: `must be ${[...new Set(types)].join(" or ")} (got ${describeValue(valueAt(data, at))})`,
    });
  }
  return out;
}

function valueAt(data: unknown, segments: readonly (string | number)[]): unknown {
  let cur = data;
  for (const s of segments)
    cur = isObject(cur) || Array.isArray(cur) ? (cur as Record<string | number, unknown>)[s] : undefined;
  return cur;
}

// ---------------------------------------------------------------------------
// SOPS: Flux decrypts SOPS-encrypted documents before applying them.

/**
 * What the cluster sees after Flux's SOPS decryption: the `sops` key removed and
 * every `ENC[...]` value replaced by a placeholder of its declared type (`type:str`
 * -> "", `int`/`float` -> 0, `bool` -> false), so the schema checks the shape only.
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

// ---------------------------------------------------------------------------
// Metadata (all documents): what the API server checks about names and labels.

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return "must be [prefix/]name";
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (!isRfc1123Subdomain(prefix)) return `prefix ${JSON.stringify(prefix)} must be a DNS-1123 subdomain`;
  }
  if (name.length > 63 || !QUALIFIED_NAME.test(name))
    return `name part ${JSON.stringify(name)} must be at most 63 characters of [-A-Za-z0-9_.], starting and ending alphanumeric`;
  return undefined;
}

function metadataProblems(apiVersion: string, kind: string, meta: unknown): Problem[] {
  const out: Problem[] = [];
  if (!isObject(meta)) return [{ path: ["metadata"], message: "required object is missing" }];
  const name = meta.name;
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
  if (typeof name !== "string" || name === "") {
    if (typeof meta.generateName !== "string")
      out.push({ path: ["metadata", "name"], message: "required field is missing" });
  } else if (group === "rbac.authorization.k8s.io") {
    if (name === "." || name === ".." || /[/%]/.test(name))
      out.push({ path: ["metadata", "name"], message: `${JSON.stringify(name)} is not a valid path segment name` });
  } else if (group === "" && kind === "Service") {
    if (!isRfc1035Label(name))
      out.push({
        path: ["metadata", "name"],
        message: `${JSON.stringify(name)} must be a DNS-1035 label (lower-case alphanumerics and '-', starting with a letter, at most 63 characters)`,
      });
  } else if (group === "" && kind === "Namespace") {
    if (!isRfc1123Label(name))
      out.push({
        path: ["metadata", "name"],
        message: `${JSON.stringify(name)} must be a DNS-1123 label (lower-case alphanumerics and '-', at most 63 characters)`,
      });
  } else if (!isRfc1123Subdomain(name)) {
    out.push({
      path: ["metadata", "name"],
      message: `${JSON.stringify(name)} must be a DNS-1123 subdomain (lower-case alphanumerics, '-' and '.', at most 253 characters)`,
    });
  }
  if (typeof meta.namespace === "string" && !isRfc1123Label(meta.namespace)) {
    out.push({
      path: ["metadata", "namespace"],
      message: `${JSON.stringify(meta.namespace)} must be a DNS-1123 label`,
    });
  }
  if (isObject(meta.labels)) {
    for (const [k, v] of Object.entries(meta.labels)) {
      const keyProblem = qualifiedNameProblem(k);
      if (keyProblem) out.push({ path: ["metadata", "labels", k], message: `invalid label key: ${keyProblem}` });
      if (typeof v === "string" && (v.length > 63 || !LABEL_VALUE.test(v))) {
        out.push({
          path: ["metadata", "labels", k],
          message: `invalid label value ${JSON.stringify(v)}: at most 63 characters of [-A-Za-z0-9_.], starting and ending alphanumeric`,
        });
      }
    }
  }
  if (isObject(meta.annotations)) {
    for (const k of Object.keys(meta.annotations)) {
      const keyProblem = qualifiedNameProblem(k);
      if (keyProblem)
        out.push({ path: ["metadata", "annotations", k], message: `invalid annotation key: ${keyProblem}` });
    }
  }
  return out;
}

/** ObjectMeta for custom resources: the CRDs say only `type: object`; this is what the API server accepts. */
const LOOSE_OBJECT_META = {
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

// ---------------------------------------------------------------------------
// Core kinds: kubernetes-models

/** GA API group/versions a current Kubernetes (1.30+) serves; removed betas (policy/v1beta1, ...) are left out on purpose. */
const CORE_MODULES: readonly Record<string, unknown>[] = [
  coreV1,
  appsV1,
  batchV1,
  networkingV1,
  policyV1,
  rbacV1,
  autoscalingV1,
  autoscalingV2,
  storageV1,
  schedulingV1,
  coordinationV1,
  discoveryV1,
  nodeV1,
  admissionregistrationV1,
  apiextensionsV1,
  apiregistrationV1,
  certificatesV1,
  eventsV1,
  flowcontrolV1,
];

interface ModelClass {
  apiVersion: string;
  kind: string;
  prototype: { validate(): void };
}

let coreIndex: Map<string, ModelClass> | undefined;
function coreKinds(): Map<string, ModelClass> {
  if (coreIndex) return coreIndex;
  coreIndex = new Map();
  for (const mod of CORE_MODULES) {
    for (const value of Object.values(mod)) {
      if (typeof value !== "function") continue;
      const cls = value as unknown as Partial<ModelClass>;
      if (typeof cls.apiVersion === "string" && typeof cls.kind === "string")
        coreIndex.set(`${cls.apiVersion} ${cls.kind}`, cls as ModelClass);
    }
  }
  return coreIndex;
}

/**
 * Records which keys a validator looks up on each object of a document.
 * `all` = the keys were enumerated (a map: any key is fine).
 */
class AccessTracker {
  private readonly seen = new WeakMap<object, { keys: Set<string>; all: boolean }>();
  private readonly proxies = new WeakMap<object, object>();

  wrap<T>(value: T): T {
    if (typeof value !== "object" || value === null) return value;
    const cached = this.proxies.get(value);
    if (cached) return cached as T;
    const record = (prop: string | symbol): void => {
      if (typeof prop !== "string" || Array.isArray(value)) return;
      this.entry(value).keys.add(prop);
    };
    const proxy = new Proxy(value, {
      get: (target, prop, receiver) => {
        record(prop);
        return this.wrap(Reflect.get(target, prop, receiver));
      },
      has: (target, prop) => {
        record(prop);
        return Reflect.has(target, prop);
      },
      getOwnPropertyDescriptor: (target, prop) => {
        record(prop);
        return Reflect.getOwnPropertyDescriptor(target, prop);
      },
      ownKeys: (target) => {
        if (!Array.isArray(target)) this.entry(target).all = true;
        return Reflect.ownKeys(target);
      },
    });
    this.proxies.set(value, proxy);
    return proxy;
  }

  private entry(o: object): { keys: Set<string>; all: boolean } {
    let e = this.seen.get(o);
    if (!e) this.seen.set(o, (e = { keys: new Set(), all: false }));
    return e;
  }

  /** Keys of objects whose known properties the validator looked up, but that it never looked up itself. */
  unknownFields(value: unknown, at: (string | number)[] = [], out: Problem[] = []): Problem[] {
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.unknownFields(v, [...at, i], out));
    } else if (isObject(value)) {
      const e = this.seen.get(value);
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue; // not serialized
        if (e && !e.all && e.keys.size > 0 && !e.keys.has(k))
          out.push({ path: [...at, k], message: "unknown field (not in the schema)" });
        else this.unknownFields(v, [...at, k], out);
      }
    }
    return out;
  }
}

function isAjvValidationError(e: unknown): e is { errors: ErrorObject[] } {
  return typeof e === "object" && e !== null && Array.isArray((e as { errors?: unknown }).errors);
}

function validateCore(model: ModelClass, original: JsonObject): Problem[] {
  // A private copy: the Proxy must be free to hand out wrapped children (a frozen
  // input would forbid that), and nothing outside can change it meanwhile.
  const doc = structuredClone(original);
  const tracker = new AccessTracker();
  let errors: ErrorObject[] = [];
  try {
    model.prototype.validate.call(tracker.wrap(doc));
  } catch (e) {
    if (!isAjvValidationError(e)) throw e;
    errors = e.errors;
  }
  return [...ajvProblems(doc, errors), ...tracker.unknownFields(doc)];
}

// ---------------------------------------------------------------------------
// Custom resources: the vendored CRDs

interface CrdVersion {
  name: string;
  served: boolean;
  schema: JsonObject | undefined;
}
interface CrdEntry {
  file: string;
  group: string;
  kind: string;
  scope: string;
  load(): CrdVersion[];
}

let crdIndex: Map<string, CrdEntry> | undefined;

function listFiles(dir: string, accept: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(full, accept));
    else if (e.isFile() && accept(full)) out.push(full);
  }
  return out;
}

function crdVersions(crd: JsonObject): CrdVersion[] {
  const spec = isObject(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  return versions.filter(isObject).map((v) => ({
    name: String(v.name),
    served: v.served === true,
    schema: isObject(v.schema) && isObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined,
  }));
}

/**
 * Indexes every CRD under ../shared/crds (except values-schemas/) by group and kind.
 * Only the small header before `versions:` is parsed here; a file's schemas are
 * parsed when one of its kinds is first validated (the CNPG and cert-manager CRDs
 * are hundreds of kilobytes).
 */
function crds(): Map<string, CrdEntry> {
  if (crdIndex) return crdIndex;
  if (!fs.existsSync(crdDir)) throw new Error(`upstream CRDs not found at ${crdDir} (see ../shared/crds/README.md)`);
  crdIndex = new Map();
  const files = listFiles(
    crdDir,
    (f) => /\.ya?ml$/.test(f) && !path.relative(crdDir, f).split(path.sep).includes("values-schemas"),
  );
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const cut = text.indexOf("\n  versions:\n");
    const single = !/^---\s*$/m.test(text.replace(/^---\s*\n/, ""));
    const add = (crd: JsonObject, load: () => CrdVersion[]): void => {
      if (crd.kind !== "CustomResourceDefinition" || !isObject(crd.spec) || !isObject(crd.spec.names)) return;
      const entry: CrdEntry = {
        file,
        group: String(crd.spec.group),
        kind: String(crd.spec.names.kind),
        scope: String(crd.spec.scope),
        load,
      };
      crdIndex!.set(`${entry.group} ${entry.kind}`, entry);
    };
    if (single && cut > 0) {
      let cache: CrdVersion[] | undefined;
      const header = parseYaml(text.slice(0, cut)) as unknown;
      if (isObject(header)) add(header, () => (cache ??= crdVersions(parseYaml(text) as JsonObject)));
    } else {
      for (const d of loadYamlDocuments(text)) if (isObject(d)) add(d, () => crdVersions(d));
    }
  }
  return crdIndex;
}

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

let ajvInstance: Ajv | undefined;
function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  const a = new Ajv({
    strict: false,
    allErrors: true,
    logger: false,
    unicodeRegExp: false,
    code: { regExp: goRegExp },
  });
  const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
    addFormatsModule) as FormatsPlugin;
  addFormats(a);
  a.addFormat("duration", GO_DURATION);
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
  a.addKeyword({ keyword: "x-kubernetes-int-or-string", schemaType: "boolean", errors: true, validate: intOrString });
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
  a.addKeyword({ keyword: "x-kubernetes-list-map-keys", schemaType: "array", errors: true, validate: listMapKeys });
  ajvInstance = a;
  return a;
}

/**
 * The Kubernetes dialect of OpenAPI v3 as plain JSON schema for Ajv:
 * - objects with `properties` get `additionalProperties: false` unless they set
 *   `additionalProperties` or `x-kubernetes-preserve-unknown-fields: true` (unknown
 *   fields are typos; the API server would silently prune them). Not inside
 *   anyOf/allOf/oneOf/not, whose branches only add value constraints;
 * - `x-kubernetes-int-or-string: true` is a keyword (integer or string), `type`/`anyOf` dropped;
 * - `x-kubernetes-embedded-resource: true` adds apiVersion, kind and metadata;
 * - `x-kubernetes-list-type: set` -> `uniqueItems`; `map` keys are checked by a keyword;
 * - `nullable: true` -> `type: [T, "null"]`;
 * - `x-kubernetes-validations` (CEL) and descriptions are dropped.
 */
function toAjvSchema(node: unknown, inJunctor = false): unknown {
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
    props.metadata = LOOSE_OBJECT_META;
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

const crdValidators = new Map<string, ValidateFunction>();

function crdValidator(apiVersion: string, kind: string, schema: JsonObject): ValidateFunction {
  const key = `${apiVersion} ${kind}`;
  let fn = crdValidators.get(key);
  if (!fn) {
    const root = toAjvSchema(schema) as JsonObject;
    root.properties = { ...(isObject(root.properties) ? root.properties : {}), metadata: LOOSE_OBJECT_META };
    root.required = [
      ...new Set([...(Array.isArray(root.required) ? root.required : []), "apiVersion", "kind", "metadata"]),
    ];
    fn = ajv().compile(root);
    crdValidators.set(key, fn);
  }
  return fn;
}

/** The CEL rules of a CRD's served version, with the schema path they sit on (not evaluated here). */
export function celRules(apiVersion: string, kind: string): { path: string; rule: string; message: string }[] {
  const { group, version } = splitApiVersion(apiVersion);
  const entry = crds().get(`${group} ${kind}`);
  const schema = entry?.load().find((v) => v.name === version && v.served)?.schema;
  if (!schema) throw new Error(`no served CRD schema for ${apiVersion} ${kind}`);
  const out: { path: string; rule: string; message: string }[] = [];
  const walk = (node: unknown, at: string[]): void => {
    if (!isObject(node)) return;
    if (Array.isArray(node["x-kubernetes-validations"])) {
      for (const r of node["x-kubernetes-validations"].filter(isObject))
        out.push({ path: at.join(".") || "(root)", rule: String(r.rule), message: String(r.message ?? "") });
    }
    if (isObject(node.properties)) for (const [k, v] of Object.entries(node.properties)) walk(v, [...at, k]);
    if (isObject(node.items)) walk(node.items, [...at, "[]"]);
    if (isObject(node.additionalProperties)) walk(node.additionalProperties, [...at, "*"]);
  };
  walk(schema, []);
  return out;
}

/** apiVersion and kind of every served version of every vendored CRD. */
export function servedCustomResources(): { apiVersion: string; kind: string }[] {
  const out: { apiVersion: string; kind: string }[] = [];
  for (const e of crds().values())
    for (const v of e.load()) if (v.served) out.push({ apiVersion: `${e.group}/${v.name}`, kind: e.kind });
  return out.sort((a, b) => (`${a.apiVersion} ${a.kind}` < `${b.apiVersion} ${b.kind}` ? -1 : 1));
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf("/");
  return i < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

// ---------------------------------------------------------------------------
// kustomize's own kustomization.yaml

const KUSTOMIZE_CONFIG_FIELDS = new Set([
  "apiVersion",
  "kind",
  "metadata",
  "resources",
  "components",
  "crds",
  "namespace",
  "namePrefix",
  "nameSuffix",
  "commonLabels",
  "labels",
  "commonAnnotations",
  "patches",
  "patchesStrategicMerge",
  "patchesJson6902",
  "images",
  "replicas",
  "replacements",
  "configMapGenerator",
  "secretGenerator",
  "generatorOptions",
  "generators",
  "transformers",
  "validators",
  "openapi",
  "buildMetadata",
  "helmCharts",
  "helmGlobals",
  "sortOptions",
  "vars",
  "configurations",
  "bases",
  "nameReference",
]);

function kustomizeConfigProblems(doc: JsonObject): Problem[] {
  const out: Problem[] = [];
  for (const k of Object.keys(doc))
    if (!KUSTOMIZE_CONFIG_FIELDS.has(k)) out.push({ path: [k], message: "unknown field of a kustomize Kustomization" });
  if (!Array.isArray(doc.resources)) {
    out.push({
      path: ["resources"],
      message:
        doc.resources === undefined
          ? "required list of strings is missing"
          : `must be a list of strings (got ${describeValue(doc.resources)})`,
    });
    return out;
  }
  const seen = new Set<string>();
  doc.resources.forEach((r, i) => {
    if (typeof r !== "string" || r === "")
      out.push({ path: ["resources", i], message: `must be a non-empty string (got ${describeValue(r)})` });
    else if (seen.has(r)) out.push({ path: ["resources", i], message: `duplicate resource ${JSON.stringify(r)}` });
    else seen.add(r);
  });
  return out;
}

// ---------------------------------------------------------------------------
// The entry point

/**
 * Schema errors of one manifest (empty when valid), each as
 * `kind/namespace/name: json.path: message`. Unknown apiVersion/kind is an error.
 */
export function validateManifest(doc: unknown): string[] {
  if (!isObject(doc)) return [`${describeDocument(doc)}: (root): a manifest must be a mapping`];
  const { apiVersion, kind } = doc;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || apiVersion === "" || kind === "") {
    return render(doc, [
      {
        path: [typeof apiVersion === "string" && apiVersion !== "" ? "kind" : "apiVersion"],
        message: "required string is missing",
      },
    ]);
  }
  if (apiVersion === "kustomize.config.k8s.io/v1beta1" && kind === "Kustomization")
    return render(doc, kustomizeConfigProblems(doc));

  const effective = withoutSops(doc);
  const model = coreKinds().get(`${apiVersion} ${kind}`);
  if (model)
    return render(doc, [...validateCore(model, effective), ...metadataProblems(apiVersion, kind, effective.metadata)]);

  const { group, version } = splitApiVersion(apiVersion);
  const entry = group === "" ? undefined : crds().get(`${group} ${kind}`);
  const versions = entry?.load() ?? [];
  const served = versions.find((v) => v.name === version && v.served);
  if (!entry || !served?.schema) {
    const alternatives = [
      ...versions.filter((v) => v.served).map((v) => `${group}/${v.name}`),
      ...[...coreKinds().values()]
        .filter((c) => c.kind === kind && splitApiVersion(c.apiVersion).group === group)
        .map((c) => c.apiVersion),
    ];
    const hint =
      alternatives.length > 0
        ? `; ${kind} is served as ${alternatives.join(", ")}`
        : `; no core API or CRD under ${path.relative(projectRoot, crdDir)} defines ${kind}`;
    return render(doc, [
      { path: ["apiVersion"], message: `unknown or not served: no schema for ${apiVersion} ${kind}${hint}` },
    ]);
  }
  const validate = crdValidator(apiVersion, kind, served.schema);
  const problems = validate(effective) ? [] : ajvProblems(effective, validate.errors ?? []);
  return render(doc, [...problems, ...metadataProblems(apiVersion, kind, effective.metadata)]);
}

// ---------------------------------------------------------------------------
// Rules JSON schema cannot express

function has(o: JsonObject, key: string): boolean {
  return o[key] !== undefined && o[key] !== null;
}

/**
 * Mirrors the HelmRelease (helm.toolkit.fluxcd.io/v2) CEL rule on `spec`:
 * `(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))`.
 */
export function helmReleaseChartRule(doc: unknown): string[] {
  if (!isObject(doc) || doc.apiVersion !== "helm.toolkit.fluxcd.io/v2" || doc.kind !== "HelmRelease") return [];
  const spec = isObject(doc.spec) ? doc.spec : {};
  const chart = has(spec, "chart");
  const chartRef = has(spec, "chartRef");
  if (chart !== chartRef) return [];
  return render(doc, [
    {
      path: ["spec"],
      message: chart
        ? "either chart or chartRef must be set, not both"
        : "either chart or chartRef must be set (neither is)",
    },
  ]);
}

/**
 * CNPG ScheduledBackup (postgresql.cnpg.io/v1) `spec.schedule` is a robfig/cron
 * expression WITH seconds: six fields, `sec min hour dom month dow` (or a
 * `@daily`-style descriptor). A five-field Kubernetes CronJob schedule is parsed
 * by CNPG as seconds-first (with the day of week optional), i.e. at a wrong time.
 */
export function cnpgScheduleRule(doc: unknown): string[] {
  if (!isObject(doc) || doc.apiVersion !== "postgresql.cnpg.io/v1" || doc.kind !== "ScheduledBackup") return [];
  const schedule = isObject(doc.spec) ? doc.spec.schedule : undefined;
  const at = ["spec", "schedule"];
  if (typeof schedule !== "string")
    return render(doc, [{ path: at, message: "required cron schedule (six fields, seconds first) is missing" }]);
  const problem = cronScheduleProblem(schedule);
  return problem === undefined ? [] : render(doc, [{ path: at, message: `${JSON.stringify(schedule)} ${problem}` }]);
}

/**
 * A core Secret carries no plaintext: `data`/`stringData` only when the document
 * is SOPS-encrypted (a `sops` key with a `mac`, every value `ENC[AES256_GCM,data:...]`).
 */
export function noPlaintextSecrets(doc: unknown): string[] {
  if (!isObject(doc) || doc.apiVersion !== "v1" || doc.kind !== "Secret") return [];
  return render(doc, secretEncryptionProblems(doc));
}

const PSS_LEVELS = ["privileged", "baseline", "restricted"];

/** Every Namespace sets Pod Security Admission's `enforce` level (and valid audit/warn/version labels if any). */
export function podSecurityLabels(doc: unknown): string[] {
  if (!isObject(doc) || doc.apiVersion !== "v1" || doc.kind !== "Namespace") return [];
  const labels = isObject(doc.metadata) && isObject(doc.metadata.labels) ? doc.metadata.labels : {};
  const problems: Problem[] = [];
  const enforceKey = "pod-security.kubernetes.io/enforce";
  if (!(enforceKey in labels))
    problems.push({
      path: ["metadata", "labels", enforceKey],
      message: `missing; must be one of ${PSS_LEVELS.join("|")}`,
    });
  for (const [k, v] of Object.entries(labels)) {
    const m = /^pod-security\.kubernetes\.io\/(enforce|audit|warn)(-version)?$/.exec(k);
    if (!m) continue;
    if (m[2] ? !(typeof v === "string" && /^(latest|v1\.\d+)$/.test(v)) : !PSS_LEVELS.includes(String(v))) {
      problems.push({
        path: ["metadata", "labels", k],
        message: `${JSON.stringify(v)} must be ${m[2] ? "latest or v1.<minor>" : `one of ${PSS_LEVELS.join("|")}`}`,
      });
    }
  }
  return render(doc, problems);
}

/** validateManifest plus every rule above. */
export function checkManifest(doc: unknown): string[] {
  return [
    ...validateManifest(doc),
    ...helmReleaseChartRule(doc),
    ...cnpgScheduleRule(doc),
    ...noPlaintextSecrets(doc),
    ...podSecurityLabels(doc),
  ];
}

// ---------------------------------------------------------------------------
// YAML files

/** Every non-empty document of a (multi-document) YAML text; throws on YAML errors. */
export function loadYamlDocuments(text: string): unknown[] {
  const out: unknown[] = [];
  for (const d of parseAllDocuments(text)) {
    if (d.errors.length > 0) throw new Error(d.errors.map((e) => e.message).join("\n"));
    const value: unknown = d.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** `*.yaml` files under dir, recursively, sorted, as absolute paths. */
export function listYamlFiles(dir: string): string[] {
  return listFiles(dir, (f) => f.endsWith(".yaml"));
}

/** Every document of every `*.yaml` under distDir; `file` is relative to distDir, '/'-separated. */
export function collectDistDocuments(distDir: string): { file: string; doc: unknown }[] {
  const out: { file: string; doc: unknown }[] = [];
  for (const abs of listYamlFiles(distDir)) {
    const file = path.relative(distDir, abs).split(path.sep).join("/");
    let docs: unknown[];
    try {
      docs = loadYamlDocuments(fs.readFileSync(abs, "utf8"));
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
    for (const doc of docs) out.push({ file, doc });
  }
  return out;
}

/**
 * Every folder under root that directly holds YAML has a kustomization.yaml whose
 * `resources` are exactly its other YAML files and its subfolders that hold YAML
 * (at any depth), sorted. Entries may be written `./x` or `x/`.
 */
export function kustomizationTreeProblems(root: string): string[] {
  const problems: string[] = [];
  const holdsYaml = (dir: string): boolean => listYamlFiles(dir).length > 0;
  const visit = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    const rel = path.relative(root, dir).split(path.sep).join("/") || ".";
    const yamls = entries.filter((e) => e.isFile() && e.name.endsWith(".yaml")).map((e) => e.name);
    for (const e of entries)
      if (e.isFile() && e.name.endsWith(".yml"))
        problems.push(`${rel}/${e.name}: use the .yaml extension (.yml files are not checked)`);
    const subdirs = entries.filter((e) => e.isDirectory()).map((e) => e.name);
    if (yamls.length > 0) {
      const expected = [
        ...yamls.filter((n) => n !== "kustomization.yaml"),
        ...subdirs.filter((d) => holdsYaml(path.join(dir, d))),
      ].sort();
      if (!yamls.includes("kustomization.yaml")) {
        problems.push(`${rel}: holds YAML but no kustomization.yaml (expected resources: ${JSON.stringify(expected)})`);
      } else {
        const where = `${rel}/kustomization.yaml`;
        let docs: unknown[] = [];
        try {
          docs = loadYamlDocuments(fs.readFileSync(path.join(dir, "kustomization.yaml"), "utf8"));
        } catch (e) {
          problems.push(`${where}: ${(e as Error).message}`);
        }
        const k = docs[0];
        if (
          docs.length !== 1 ||
          !isObject(k) ||
          k.apiVersion !== "kustomize.config.k8s.io/v1beta1" ||
          k.kind !== "Kustomization"
        ) {
          problems.push(`${where}: must be one kustomize.config.k8s.io/v1beta1 Kustomization document`);
        } else if (!Array.isArray(k.resources) || !k.resources.every((r) => typeof r === "string")) {
          problems.push(`${where}: resources must be a list of strings`);
        } else {
          const actual = k.resources.map((r: string) => r.replace(/^\.\//, "").replace(/\/$/, ""));
          const missing = expected.filter((x) => !actual.includes(x));
          const extra = actual.filter((x) => !expected.includes(x));
          if (missing.length > 0) problems.push(`${where}: resources miss ${JSON.stringify(missing)}`);
          if (extra.length > 0)
            problems.push(`${where}: resources list what is not in the folder: ${JSON.stringify(extra)}`);
          if (missing.length === 0 && extra.length === 0 && JSON.stringify(actual) !== JSON.stringify(expected)) {
            problems.push(
              `${where}: resources must be sorted: ${JSON.stringify(expected)} (got ${JSON.stringify(actual)})`,
            );
          }
        }
      }
    }
    for (const d of subdirs) visit(path.join(dir, d));
  };
  visit(root);
  return problems;
}

/** group/kind/namespace/name of a cluster object (undefined for kustomize's own Kustomization). */
function objectIdentity(doc: unknown): string | undefined {
  if (!isObject(doc) || typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") return undefined;
  if (doc.apiVersion === "kustomize.config.k8s.io/v1beta1" && doc.kind === "Kustomization") return undefined;
  const meta = isObject(doc.metadata) ? doc.metadata : {};
  return `${splitApiVersion(doc.apiVersion).group || "core"}/${doc.kind}/${String(meta.namespace ?? "")}/${String(meta.name ?? "")}`;
}

/**
 * Everything wrong with a synthesized tree, all at once: YAML errors, empty files,
 * {@link checkManifest} problems of every document, objects defined twice, and
 * {@link kustomizationTreeProblems}. Lines start with the file, relative to
 * `relativeTo` (default: the parent of distDir, so they read `dist/...`).
 */
export function checkDistTree(
  distDir: string,
  relativeTo = path.dirname(distDir),
): { files: number; documents: number; problems: string[] } {
  const rel = (abs: string): string => path.relative(relativeTo, abs).split(path.sep).join("/");
  const files = listYamlFiles(distDir);
  const problems: string[] = [];
  const seen = new Map<string, string>();
  let documents = 0;
  for (const abs of files) {
    const file = rel(abs);
    let docs: unknown[];
    try {
      docs = loadYamlDocuments(fs.readFileSync(abs, "utf8"));
    } catch (e) {
      problems.push(`${file}: not valid YAML: ${(e as Error).message}`);
      continue;
    }
    if (docs.length === 0) problems.push(`${file}: holds no documents`);
    for (const doc of docs) {
      documents++;
      for (const p of checkManifest(doc)) problems.push(`${file}: ${p}`);
      const id = objectIdentity(doc);
      if (id === undefined) continue;
      const first = seen.get(id);
      if (first !== undefined)
        problems.push(`${file}: ${describeDocument(doc)}: the same object is also defined in ${first}`);
      else seen.set(id, file);
    }
  }
  const root = rel(distDir);
  for (const p of kustomizationTreeProblems(distDir))
    problems.push(p.startsWith(".:") || p.startsWith("./") ? `${root}${p.slice(1)}` : `${root}/${p}`);
  return { files: files.length, documents, problems };
}
