/**
 * Renders a {@link HomelabApp} to files, in memory: one folder per layer under
 * `dist/`, one file per direct child of a layer (`dist/apps/nextcloud.yaml`),
 * a `kustomization.yaml` in every folder, and the Flux bootstrap folder.
 *
 * Names are stable (no hash suffixes, no `0000-` prefixes), documents are
 * sorted (namespaces first, then by kind, namespace and name), so the output
 * depends neither on declaration order nor on the machine.
 */
import { ApiObject, Chart } from "cdk8s";
import type { IConstruct } from "constructs";
import { parse } from "yaml";
import { compareStrings as cmp } from "../model/order.js";
import { BOOTSTRAP_DIR, buildBootstrap } from "./flux.js";
import type { HomelabApp, Layer } from "./homelab-app.js";
import { materializeNamespaces } from "./namespace.js";
import { emitYamlDocuments } from "../yaml/index.js";

/** A SOPS-encrypted file the user keeps outside dist/, carried into the layer that needs it. */
export interface SopsFile {
  /** Where it is, relative to the project root (for messages). */
  readonly path: string;
  /** Its text, exactly as sops wrote it. */
  readonly text: string;
}

/** Options for {@link renderKubernetes}. */
export interface RenderKubernetesOptions {
  /**
   * Named in each file's header.
   * @default "the homelab definition"
   */
  readonly source?: string;
  /**
   * SOPS-encrypted Secret files to carry into dist/.
   * @default []
   */
  readonly sopsFiles?: readonly SopsFile[];
  /**
   * The output folder, relative to the project root.
   * @default "dist"
   */
  readonly outDir?: string;
  /**
   * Where the user keeps SOPS files, named in messages.
   * @default "apps/secrets"
   */
  readonly secretsDir?: string;
}

/** Thrown when constructs report problems; lists every one with its construct path. */
export class ConstructValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `the Kubernetes definitions have ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was written:\n` +
        problems.map((p) => `  ${p}`).join("\n"),
    );
    this.name = "ConstructValidationError";
  }
}

const KIND_ORDER = [
  "Namespace",
  "CustomResourceDefinition",
  "ServiceAccount",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "Secret",
  "ConfigMap",
  "PersistentVolumeClaim",
  "Service",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "Ingress",
];

interface Doc {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string };
  readonly [key: string]: unknown;
}

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

function compareDocs(a: Doc, b: Doc): number {
  return (
    kindRank(a.kind) - kindRank(b.kind) ||
    cmp(a.kind, b.kind) ||
    cmp(a.metadata.namespace ?? "", b.metadata.namespace ?? "") ||
    cmp(a.metadata.name ?? "", b.metadata.name ?? "") ||
    cmp(a.apiVersion, b.apiVersion)
  );
}


/** Serializes documents as multi-document YAML (see lib/yaml: fast, and safe under YAML 1.1 and 1.2). */
export function toYaml(docs: readonly unknown[]): string {
  return emitYamlDocuments(docs);
}

const FILE_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Renders the app: project-relative path -> text, plus warnings (e.g. SOPS files still to create).
 * @throws ConstructValidationError listing every problem the constructs report
 */
export function renderKubernetes(app: HomelabApp, options: RenderKubernetesOptions = {}): { files: Map<string, string>; warnings: string[] } {
  const source = options.source ?? "the homelab definition";
  const outDir = options.outDir ?? "dist";
  const secretsDir = options.secretsDir ?? "apps/secrets";
  const problems: string[] = [];
  const warnings: string[] = [];
  problems.push(...materializeNamespaces(app));

  // SOPS files: check that they are encrypted, then find the layer that expects each.
  const carried = new Map<Layer, { name: string; text: string }[]>();
  const provided = new Set<string>();
  for (const file of options.sopsFiles ?? []) {
    const parsed = parseSopsSecret(file);
    if (typeof parsed === "string") {
      problems.push(parsed);
      continue;
    }
    const key = `${parsed.namespace}/${parsed.name}`;
    provided.add(key);
    const layer = app.layers.find((l) => l.secrets.some((s) => `${s.namespace}/${s.name}` === key)) ?? app.apps;
    const list = carried.get(layer) ?? [];
    list.push({ name: `${parsed.namespace}-${parsed.name}.sops.yaml`, text: file.text });
    carried.set(layer, list);
  }
  const decrypt = new Set<Layer>();
  const missing: string[] = [];
  for (const layer of app.layers) {
    if (layer.secrets.length > 0 || carried.has(layer)) decrypt.add(layer);
    for (const s of layer.secrets) {
      if (!provided.has(`${s.namespace}/${s.name}`)) {
        missing.push(`  ${s.namespace}/${s.name}: ${s.purpose}\n    -> ${secretsDir}/${s.namespace}-${s.name}.sops.yaml (carried into ${outDir}/${layer.dir}/)`);
      }
    }
  }
  if (missing.length > 0) {
    warnings.push(
      `${missing.length} Secret${missing.length === 1 ? "" : "s"} the lab reads ${missing.length === 1 ? "is" : "are"} not in ${secretsDir}/ yet; ` +
        "Flux reports the workloads unhealthy until they exist. Create each one SOPS-encrypted:\n" +
        missing.join("\n") +
        "\n  e.g. kubectl create secret generic NAME -n NAMESPACE --from-literal=KEY=VALUE --dry-run=client -o yaml \\\n" +
        "       | sops --encrypt --input-type yaml --output-type yaml /dev/stdin > FILE",
    );
  }
  const active = new Set(app.layers.filter((l) => carried.has(l) || apiObjectsUnder(l).length > 0));
  const bootstrap = buildBootstrap(app, active, decrypt);

  // Every construct's own validation, all at once.
  for (const c of app.node.findAll()) {
    for (const error of c.node.validate()) problems.push(`[${c.node.path}] ${error}`);
  }
  if (problems.length > 0) throw new ConstructValidationError(problems);

  // Group API objects into files: <folder>/<unit>.yaml, unit = the chart's direct child.
  const folders = new Map<string, Map<string, Doc[]>>();
  const seen = new Map<string, string>();
  const charts: { chart: Chart; dir: string }[] = [{ chart: bootstrap, dir: BOOTSTRAP_DIR }, ...app.layers.map((l) => ({ chart: l as Chart, dir: l.dir }))];
  for (const { chart, dir } of charts) {
    const units = new Map<string, Doc[]>();
    folders.set(dir, units);
    for (const child of chart.node.children) {
      if (!FILE_NAME.test(child.node.id)) {
        problems.push(`[${child.node.path}] "${child.node.id}" cannot name a file: use lowercase letters, digits and "-" for the construct id`);
        continue;
      }
      const docs: Doc[] = [];
      for (const obj of apiObjectsUnder(child)) {
        const doc = obj.toJson() as Doc;
        const id = `${doc.apiVersion.split("/").length > 1 ? doc.apiVersion.split("/")[0] : "core"}/${doc.kind}/${doc.metadata.namespace ?? ""}/${doc.metadata.name ?? ""}`;
        const prev = seen.get(id);
        if (prev !== undefined) problems.push(`[${obj.node.path}] ${doc.kind} ${doc.metadata.namespace ?? ""}/${doc.metadata.name} is also defined by ${prev}`);
        else seen.set(id, obj.node.path);
        docs.push(doc);
      }
      if (docs.length > 0) units.set(child.node.id, docs);
    }
  }
  if (problems.length > 0) throw new ConstructValidationError(problems);

  const files = new Map<string, string>();
  const header = `# Generated by cdk8s-homelab from ${source}. Do not edit: change the TypeScript definition and run \`npm run synth\`.\n`;
  for (const [dir, units] of folders) {
    const names: string[] = [];
    for (const [unit, docs] of units) {
      const name = `${unit}.yaml`;
      files.set(`${outDir}/${dir}/${name}`, header + toYaml([...docs].sort(compareDocs)));
      names.push(name);
    }
    const layer = app.layers.find((l) => l.dir === dir);
    for (const s of (layer && carried.get(layer)) ?? []) {
      files.set(`${outDir}/${dir}/${s.name}`, s.text.endsWith("\n") ? s.text : `${s.text}\n`);
      names.push(s.name);
    }
    if (names.length === 0) continue;
    files.set(
      `${outDir}/${dir}/kustomization.yaml`,
      header + toYaml([{ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: names.sort(cmp) }]),
    );
  }
  return { files, warnings };
}

/** The API objects under `scope`, in tree order. */
function apiObjectsUnder(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

/** Reads namespace/name of a SOPS-encrypted Secret, or says why the file is not one. */
function parseSopsSecret(file: SopsFile): { namespace: string; name: string } | string {
  let doc: Record<string, unknown>;
  try {
    doc = parse(file.text) as Record<string, unknown>;
  } catch (e) {
    return `${file.path}: not valid YAML (${(e as Error).message.split("\n")[0]})`;
  }
  if (doc === null || typeof doc !== "object" || doc.kind !== "Secret") return `${file.path}: not a Kubernetes Secret (kind: Secret)`;
  const meta = (doc.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  if (typeof meta.name !== "string" || typeof meta.namespace !== "string") {
    return `${file.path}: the Secret needs metadata.name and metadata.namespace (so synth knows where it goes)`;
  }
  const sops = doc.sops as { mac?: unknown } | undefined;
  const values = [...Object.values((doc.data ?? {}) as object), ...Object.values((doc.stringData ?? {}) as object)];
  if (sops === undefined || typeof sops.mac !== "string" || !values.every((v) => typeof v === "string" && v.startsWith("ENC[AES256_GCM,"))) {
    return `${file.path}: is not SOPS-encrypted (every data/stringData value must be ENC[AES256_GCM,...] and the file must have sops metadata); encrypt it with \`sops --encrypt --in-place ${file.path}\` before synth carries it into dist/`;
  }
  return { namespace: meta.namespace, name: meta.name };
}
