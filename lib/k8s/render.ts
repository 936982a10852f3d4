/**
 * Renders a {@link HomelabApp} to files, in memory: one folder per layer under
 * `dist/`, one file per direct child of a layer (`dist/apps/nextcloud.yaml`),
 * a `kustomization.yaml` in every folder, and the Flux bootstrap folder.
 *
 * A straight pipeline, Tanka-style:
 *
 *   prepare (the only step that adds to the tree; idempotent)
 *   -> collect units (documents per file)      -> plan SOPS files
 *   -> bootstrap units (Flux)                   -> problems, all at once
 *   -> files (YAML per unit, kustomizations)
 *
 * Every step after `prepare` takes data and returns data, so rendering the same app
 * twice gives the same files. Names are stable (no hash suffixes, no `0000-` prefixes),
 * documents are sorted (namespaces first, then by kind, namespace and name), so the output
 * depends neither on declaration order nor on the machine.
 */
import { compareStrings as cmp } from "../model/order.js";
import { compareDocs, collectUnits, duplicateProblems, type Unit } from "./documents.js";
import { bootstrapUnits } from "./flux.js";
import type { HomelabApp } from "./homelab-app.js";
import { namespaceConflicts, planNamespaces, prepareNamespaces } from "./namespace.js";
import { annotateOptOuts } from "./opt-outs.js";
import { missingSecretsNote, planSops, type CarriedFile, type ExpectedSecret, type SopsFile } from "./sops.js";
import { emitYamlDocuments } from "../yaml/index.js";
import type { CheckedDocument } from "../check/context.js";

export type { SopsFile } from "./sops.js";

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

/** What {@link renderKubernetes} returns. */
export interface RenderedKubernetes {
  /** Project-relative path -> text. */
  readonly files: Map<string, string>;
  /** Notes for the user (e.g. SOPS files still to create). */
  readonly warnings: string[];
  /** Every Secret the layers expect, sorted by namespace/name, and whether a SOPS file provides it. */
  readonly secrets: readonly ExpectedSecret[];
  /** The documents of each rendered Kubernetes file, as the objects its YAML was emitted from. */
  readonly documents: ReadonlyMap<string, readonly unknown[]>;
  /** Every rendered document with its file and the construct that made it, in file order (for the checks). */
  readonly checked: readonly CheckedDocument[];
}

/** Thrown when constructs report problems; lists every one with its construct path. */
export class ConstructValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `the Kubernetes definitions have ${problems.length} problem${problems.length === 1 ? "" : "s"}; ` +
        "nothing was written:\n" +
        problems.map((p) => `  ${p}`).join("\n"),
    );
    this.name = "ConstructValidationError";
  }
}

/** Serializes documents as multi-document YAML (see lib/yaml: fast, and safe under YAML 1.1 and 1.2). */
export function toYaml(docs: readonly unknown[]): string {
  return emitYamlDocuments(docs);
}

/**
 * Puts what the render needs into the tree: the namespaces the constructs asked for, each in
 * the earliest layer that asks, and the opt-out annotations of `skipCheck` on the API objects.
 * Idempotent: a second call adds only what was asked for since.
 * `renderKubernetes` calls it; call it yourself to inspect the tree a render sees.
 */
export function prepare(app: HomelabApp): void {
  prepareNamespaces(app);
  annotateOptOuts(app);
}

/** Every problem the constructs report (their own validations and namespace conflicts). Pure. */
export function treeProblems(app: HomelabApp): string[] {
  const problems = namespaceConflicts(planNamespaces(app.requestedNamespaces, app.layers));
  for (const c of app.node.findAll()) {
    for (const error of c.node.validate()) problems.push(`[${c.node.path}] ${error}`);
  }
  return problems;
}

/**
 * The files of the units and carried SOPS files: `<outDir>/<dir>/<unit>.yaml`, and a
 * `kustomization.yaml` listing each non-empty folder's files. Pure.
 */
export function renderFiles(
  units: readonly Unit[],
  carried: ReadonlyMap<string, readonly CarriedFile[]>,
  options: { readonly outDir: string; readonly header: string },
): Map<string, string> {
  const dirs = [...new Set([...units.map((u) => u.dir), ...carried.keys()])];
  const files = new Map<string, string>();
  for (const dir of dirs) {
    const names: string[] = [];
    for (const unit of units.filter((u) => u.dir === dir)) {
      const name = `${unit.name}.yaml`;
      files.set(
        `${options.outDir}/${dir}/${name}`,
        options.header + toYaml(unit.docs.map((d) => d.doc).sort(compareDocs)),
      );
      names.push(name);
    }
    for (const s of carried.get(dir) ?? []) {
      files.set(`${options.outDir}/${dir}/${s.name}`, s.text.endsWith("\n") ? s.text : `${s.text}\n`);
      names.push(s.name);
    }
    if (names.length === 0) continue;
    files.set(
      `${options.outDir}/${dir}/kustomization.yaml`,
      options.header +
        toYaml([{ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: names.sort(cmp) }]),
    );
  }
  return files;
}

/**
 * Renders the app: project-relative path -> text, notes (e.g. SOPS files still to create) and
 * the Secrets the lab expects. Can run any number of times on one app.
 * @throws ConstructValidationError listing every problem the constructs and SOPS files have
 */
export function renderKubernetes(app: HomelabApp, options: RenderKubernetesOptions = {}): RenderedKubernetes {
  const source = options.source ?? "the homelab definition";
  const outDir = options.outDir ?? "dist";
  const secretsDir = options.secretsDir ?? "apps/secrets";

  prepare(app);
  const recipients = (app.homelab.kubernetesOptions?.flux.sopsAgeRecipients ?? []).map((recipient, i) => ({
    recipient,
    path: `kubernetes.flux.sopsAgeRecipients[${i}]`,
  }));
  const sops = planSops(app.layers, options.sopsFiles ?? [], app.apps, recipients);
  const collected = app.layers.map((l) => collectUnits(l, l.dir));
  const layerUnits = collected.flatMap((c) => c.units);
  const active = new Set([...layerUnits.map((u) => u.dir), ...sops.carried.keys()]);
  const bootstrap = bootstrapUnits(app.homelab, app.layers, active, sops.decrypt, layerUnits);
  const units = [...bootstrap, ...layerUnits];

  const problems = [
    ...sops.problems,
    ...treeProblems(app),
    ...collected.flatMap((c) => c.problems),
    ...duplicateProblems(units),
  ];
  if (problems.length > 0) throw new ConstructValidationError(problems);

  const header =
    `# Generated by cdk8s-homelab from ${source}. ` +
    "Do not edit: change the TypeScript definition and run `npm run synth`.\n";
  const note = missingSecretsNote(
    sops.expected,
    app.layers.map((l) => l.dir),
    { outDir, secretsDir },
  );
  const documents = new Map<string, readonly unknown[]>();
  const checked: CheckedDocument[] = [];
  for (const unit of units) {
    const file = `${outDir}/${unit.dir}/${unit.name}.yaml`;
    const sorted = [...unit.docs].sort((a, b) => compareDocs(a.doc, b.doc));
    documents.set(
      file,
      sorted.map((d) => d.doc),
    );
    for (const d of sorted) checked.push({ file, doc: d.doc, construct: d.path });
  }
  return {
    files: renderFiles(units, sops.carried, { outDir, header }),
    documents,
    checked,
    warnings: note === undefined ? [] : [note],
    secrets: sops.expected,
  };
}
