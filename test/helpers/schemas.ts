/**
 * Schema validation of synthesized manifests in tests: a thin layer over the product's `schema`
 * check (lib/check/schema), which validates core kinds with kubernetes-models and custom resources
 * with the closed CRD schemas bundled in imports/schemas/, finds unknown fields, checks metadata and
 * mirrors the CRDs' CEL rules. What stays here is test-side only:
 *
 * - problems as `Kind/namespace/name: json.path: message` lines (validateManifest, checkManifest);
 *   unlike the product (which leaves kinds of unknown API groups alone), a kind without a schema is
 *   an error here;
 * - kustomize's own kustomization.yaml and the dist/ tree (kustomizationTreeProblems, checkDistTree);
 * - two policies the dist/ tests hold every render to (noPlaintextSecrets, podSecurityLabels);
 * - the inventory of the upstream CRDs' CEL rules in ../shared/crds (celRules, servedCustomResources),
 *   so that an upgrade that adds a rule fails a test until it is reviewed (and mirrored in rules.ts).
 */
import { sharedAvailable } from "./shared.js";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { secretEncryptionProblems } from "../../lib/k8s/sops.js";
import { SCHEMA_RULES, validateDocument } from "../../lib/check/schema/index.js";
import { describeValue, formatPath } from "../../lib/model/problems.js";

/** The project root (test/helpers/../..). */
export const projectRoot = path.resolve(import.meta.dirname, "../..");
/** The vendored upstream CRDs, read in place (never copied into the project). */
export const crdDir = path.resolve(projectRoot, "../shared/crds");

/** Whether the upstream CRDs in ../shared/crds are there, for `it.skipIf(!crdsAvailable(...))` (see helpers/shared.ts). */
export function crdsAvailable(what: string): boolean {
  return sharedAvailable("crds", `${what} (validation against the upstream CRDs)`);
}

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

// ---------------------------------------------------------------------------
// The upstream CRDs' CEL rules (an inventory; the product mirrors them in lib/check/schema/rules.ts)

interface CrdVersion {
  name: string;
  served: boolean;
  schema: JsonObject | undefined;
}

let crdIndex: Map<string, CrdVersion[]> | undefined;

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

/** Every CRD under ../shared/crds (except values-schemas/), by `group kind`. */
function crds(): Map<string, CrdVersion[]> {
  if (crdIndex) return crdIndex;
  if (!fs.existsSync(crdDir)) throw new Error(`upstream CRDs not found at ${crdDir} (see ../shared/crds/README.md)`);
  crdIndex = new Map();
  const files = listFiles(
    crdDir,
    (f) => /\.ya?ml$/.test(f) && !path.relative(crdDir, f).split(path.sep).includes("values-schemas"),
  );
  for (const file of files) {
    for (const crd of loadYamlDocuments(fs.readFileSync(file, "utf8"))) {
      if (!isObject(crd) || crd.kind !== "CustomResourceDefinition" || !isObject(crd.spec)) continue;
      const spec = crd.spec as { group?: unknown; names?: { kind?: unknown }; versions?: unknown };
      const versions = (Array.isArray(spec.versions) ? spec.versions : []).filter(isObject).map((v) => ({
        name: String(v.name),
        served: v.served === true,
        schema: isObject(v.schema) && isObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined,
      }));
      crdIndex.set(`${String(spec.group)} ${String(spec.names?.kind)}`, versions);
    }
  }
  return crdIndex;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf("/");
  return i < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function celRules(apiVersion: string, kind: string): { path: string; rule: string; message: string }[] {
  const { group, version } = splitApiVersion(apiVersion);
  const schema = crds()
    .get(`${group} ${kind}`)
    ?.find((v) => v.name === version && v.served)?.schema;
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
  for (const [key, versions] of crds()) {
    const [group, kind] = key.split(" ") as [string, string];
    for (const v of versions) if (v.served) out.push({ apiVersion: `${group}/${v.name}`, kind });
  }
  return out.sort((a, b) => (`${a.apiVersion} ${a.kind}` < `${b.apiVersion} ${b.kind}` ? -1 : 1));
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
// The entry points

/**
 * Schema errors of one manifest (empty when valid), each as `kind/namespace/name: json.path: message`:
 * the product's validateDocument without the mirrored rules; a kind without a schema is an error.
 */
export function validateManifest(doc: unknown): string[] {
  if (isObject(doc) && doc.apiVersion === "kustomize.config.k8s.io/v1beta1" && doc.kind === "Kustomization")
    return render(doc, kustomizeConfigProblems(doc));
  return render(doc, validateDocument(doc, { unknownKinds: true, rules: false }));
}

function ruleLines(id: string, doc: unknown): string[] {
  const rule = SCHEMA_RULES.find((r) => r.id === id)!;
  if (!isObject(doc) || !rule.applies.includes(`${String(doc.apiVersion)} ${String(doc.kind)}`)) return [];
  return render(doc, rule.problems(doc));
}

/** The product's mirror of the HelmRelease CEL rule on `spec`: exactly one of `chart` and `chartRef`. */
export function helmReleaseChartRule(doc: unknown): string[] {
  return ruleLines("helmrelease-chart", doc);
}

/** The product's CNPG ScheduledBackup rule: `spec.schedule` has six cron fields, seconds first. */
export function cnpgScheduleRule(doc: unknown): string[] {
  return ruleLines("cnpg-schedule", doc);
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

/** validateManifest plus every rule above. */ /** validateManifest, every mirrored rule, and the two policies above. */
export function checkManifest(doc: unknown): string[] {
  if (isObject(doc) && doc.apiVersion === "kustomize.config.k8s.io/v1beta1" && doc.kind === "Kustomization")
    return render(doc, kustomizeConfigProblems(doc));
  return [
    ...render(doc, validateDocument(doc, { unknownKinds: true })),
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
