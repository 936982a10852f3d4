/**
 * Reading rendered Kubernetes files back: YAML documents as plain values, their identity
 * (API group, kind, namespace, name), and the Flux layers of `dist/bootstrap`.
 * Shared by the diff and the lab's page.
 */
import * as posix from "node:path/posix";
import { parseAllDocuments } from "yaml";
import { compareStrings } from "../model/order.js";
import type { JsonValue } from "./nix-parse.js";

/** A Kubernetes document read from a file. */
export interface KubeDocument {
  readonly apiVersion: string;
  readonly kind: string;
  /** "" for cluster-scoped resources. */
  readonly namespace: string;
  /** metadata.name, or the file's path for a document without one (kustomize's kustomization.yaml). */
  readonly name: string;
  readonly file: string;
  readonly body: { readonly [key: string]: JsonValue };
}

/** Thrown when a file is not YAML; names the file. */
export class DocumentError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = "DocumentError";
  }
}

/** True for the files the Kubernetes side reads: YAML under `dist/`. */
export function isKubernetesFile(path: string): boolean {
  return path.startsWith("dist/") && (path.endsWith(".yaml") || path.endsWith(".yml"));
}

/**
 * The documents of one YAML file (empty documents skipped).
 * @throws DocumentError when the text is not YAML or a document is not a mapping with apiVersion and kind
 */
export function readDocuments(file: string, text: string): KubeDocument[] {
  const out: KubeDocument[] = [];
  const docs = parseAllDocuments(text);
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const error = doc.errors[0];
    if (error !== undefined) throw new DocumentError(file, `not valid YAML (${error.message.split("\n")[0]})`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (typeof value !== "object" || Array.isArray(value)) throw new DocumentError(file, "a document is not a mapping");
    const body = value as { [key: string]: JsonValue };
    const meta = (typeof body.metadata === "object" && body.metadata !== null ? body.metadata : {}) as {
      readonly name?: unknown;
      readonly namespace?: unknown;
    };
    if (typeof body.apiVersion !== "string" || typeof body.kind !== "string") {
      throw new DocumentError(file, "a document has no apiVersion or kind");
    }
    out.push({
      apiVersion: body.apiVersion,
      kind: body.kind,
      namespace: typeof meta.namespace === "string" ? meta.namespace : "",
      name: typeof meta.name === "string" ? meta.name : file,
      file,
      body,
    });
  }
  return out;
}

/** The API group of an apiVersion: `helm.toolkit.fluxcd.io` for `helm.toolkit.fluxcd.io/v2`, "" for `v1`. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** The identity of a resource, independent of version and file. */
export function resourceKey(d: { readonly apiVersion: string; readonly kind: string; readonly namespace: string; readonly name: string }): string {
  return `${apiGroup(d.apiVersion)}\0${d.kind}\0${d.namespace}\0${d.name}`;
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped resource. */
export function resourceLabel(d: { readonly kind: string; readonly namespace: string; readonly name: string }): string {
  return d.namespace === "" ? `${d.kind} ${d.name}` : `${d.kind} ${d.namespace}/${d.name}`;
}

/** A Flux Kustomization of `dist/bootstrap`: one layer of the lab. */
export interface FluxLayer {
  readonly name: string;
  readonly namespace: string;
  /** The folder it applies, relative to the repository root, without `./` (e.g. `dist/apps`). */
  readonly path: string;
  /** Whether Flux deletes what disappears from the folder. */
  readonly prune: boolean;
  /** Names of the layers applied before this one. */
  readonly dependsOn: readonly string[];
}

/** The Flux layers found in the files of `dist/bootstrap/` of `files`, sorted by name. */
export function fluxLayers(files: ReadonlyMap<string, string>): FluxLayer[] {
  const layers: FluxLayer[] = [];
  for (const [file, text] of files) {
    if (!file.startsWith("dist/bootstrap/") || !isKubernetesFile(file)) continue;
    for (const d of readDocuments(file, text)) {
      if (d.kind !== "Kustomization" || apiGroup(d.apiVersion) !== "kustomize.toolkit.fluxcd.io") continue;
      const spec = (d.body.spec ?? {}) as { path?: unknown; prune?: unknown; dependsOn?: unknown };
      const deps = Array.isArray(spec.dependsOn) ? spec.dependsOn : [];
      layers.push({
        name: d.name,
        namespace: d.namespace,
        path: typeof spec.path === "string" ? posix.normalize(spec.path).replace(/^\.\/?/, "").replace(/\/$/, "") : "",
        prune: spec.prune === true,
        dependsOn: deps
          .map((x: unknown) => (x !== null && typeof x === "object" ? (x as { name?: unknown }).name : undefined))
          .filter((x): x is string => typeof x === "string"),
      });
    }
  }
  return layers.sort((a, b) => compareStrings(a.name, b.name));
}

/**
 * The layer that applies `file`: the Kustomization whose path is the file's folder (or a parent
 * of it), matched from the end so a lab kept in a subfolder of its repository works too.
 */
export function layerOf(file: string, layers: readonly FluxLayer[]): FluxLayer | undefined {
  const dir = posix.dirname(file);
  let best: FluxLayer | undefined;
  let bestLength = -1;
  for (const layer of layers) {
    const p = layer.path;
    for (let cut = dir; cut !== "." && cut !== ""; cut = posix.dirname(cut)) {
      if ((p === cut || p.endsWith(`/${cut}`)) && cut.length > bestLength) {
        if (dir === cut || dir.startsWith(`${cut}/`)) {
          best = layer;
          bestLength = cut.length;
        }
      }
    }
  }
  return best;
}
