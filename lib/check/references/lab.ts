/**
 * What the reference checks share: JSON paths, walking plain data, the pod specs of a document, and
 * the index of what the lab makes (rendered objects, SOPS files, operator-made and declared objects).
 */
import type { CheckContext, CheckedDocument } from "../context.js";
import { describeObject, type Finding, type Severity } from "../finding.js";
import { editDistance } from "../../model/edit-distance.js";

/** A plain object of JSON data. */
export type JsonMap = Record<string, unknown>;
/** A path into a document, one segment per key or index. */
export type Segments = readonly (string | number)[];

/** True for a plain object (not null, not a list). */
export function isMap(v: unknown): v is JsonMap {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `spec.rules[0].host`, with keys that are not identifiers quoted: `metadata.annotations["metallb.io/x"]`. */
export function jsonPath(segments: Segments): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(s)) out += out === "" ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** The value at `segments` under `root`, or undefined. */
export function at(root: unknown, segments: Segments): unknown {
  let v = root;
  for (const s of segments) {
    if (typeof s === "number") v = Array.isArray(v) ? v[s] : undefined;
    else v = isMap(v) ? v[s] : undefined;
  }
  return v;
}

/** Calls `visit` on every plain object under `value` (itself included), depth first, with its path. */
export function walkMaps(value: unknown, path: Segments, visit: (map: JsonMap, path: Segments) => void): void {
  if (Array.isArray(value)) value.forEach((v, i) => walkMaps(v, [...path, i], visit));
  else if (isMap(value)) {
    visit(value, path);
    for (const [k, v] of Object.entries(value)) walkMaps(v, [...path, k], visit);
  }
}

/** A string field, or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** The document's namespace (`default` when it names none). */
export function namespaceOf(d: CheckedDocument): string {
  return str(d.doc.metadata.namespace) ?? "default";
}

/** The document's name. */
export function nameOf(d: CheckedDocument): string {
  return str(d.doc.metadata.name) ?? "";
}

/** True when the document is `kind` of an API group (`""` for core): `isKind(d, "apps", "Deployment")`. */
export function isKind(d: CheckedDocument, group: string, kind: string): boolean {
  if (d.doc.kind !== kind) return false;
  const v = d.doc.apiVersion;
  if (group === "") return !v.includes("/");
  return v.length > group.length && v.charCodeAt(group.length) === 47 /* "/" */ && v.startsWith(group);
}

/** The HelmRelease's chart name (`spec.chart.spec.chart`), or undefined. */
export function chartOf(d: CheckedDocument): string | undefined {
  return isKind(d, "helm.toolkit.fluxcd.io", "HelmRelease")
    ? str(at(d.doc, ["spec", "chart", "spec", "chart"]))
    : undefined;
}

/** The namespace a HelmRelease installs its chart into. */
export function targetNamespaceOf(d: CheckedDocument): string {
  return str(at(d.doc, ["spec", "targetNamespace"])) ?? namespaceOf(d);
}

/** A finding about one document. */
export function finding(
  check: string,
  severity: Severity,
  d: CheckedDocument,
  path: Segments | undefined,
  message: string,
  fix: string,
): Finding {
  return {
    check,
    severity,
    file: d.file,
    object: describeObject(d.doc),
    ...(path === undefined ? {} : { path: jsonPath(path) }),
    construct: d.construct,
    message,
    fix,
  };
}

/** A pod template inside a document, where it is, and how many pods of it run. */
export interface PodTemplate {
  readonly spec: JsonMap;
  /** Path of the pod spec in the document. */
  readonly path: Segments;
  /** Pods that run at once: replicas, parallelism, or `"each-node"` for a DaemonSet. */
  readonly pods: number | "each-node";
}

const WORKLOADS: readonly [group: string, kind: string, specPath: Segments][] = [
  ["", "Pod", ["spec"]],
  ["apps", "Deployment", ["spec", "template", "spec"]],
  ["apps", "StatefulSet", ["spec", "template", "spec"]],
  ["apps", "ReplicaSet", ["spec", "template", "spec"]],
  ["apps", "DaemonSet", ["spec", "template", "spec"]],
  ["batch", "Job", ["spec", "template", "spec"]],
  ["batch", "CronJob", ["spec", "jobTemplate", "spec", "template", "spec"]],
];

/** The pod template of a workload document (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob...). */
export function podTemplateOf(d: CheckedDocument): PodTemplate | undefined {
  for (const [group, kind, path] of WORKLOADS) {
    if (!isKind(d, group, kind)) continue;
    const spec = at(d.doc, path);
    if (!isMap(spec)) return undefined;
    const count = (v: unknown) => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : 1);
    const pods =
      kind === "DaemonSet"
        ? "each-node"
        : kind === "Job"
          ? count(at(d.doc, ["spec", "parallelism"]))
          : kind === "CronJob"
            ? count(at(d.doc, ["spec", "jobTemplate", "spec", "parallelism"]))
            : kind === "Pod"
              ? 1
              : count(at(d.doc, ["spec", "replicas"]));
    return { spec, path, pods };
  }
  return undefined;
}

/** The containers of a pod spec (init and ephemeral ones too), each with its path. */
export function containersOf(t: PodTemplate): { container: JsonMap; path: Segments; init: boolean }[] {
  const out: { container: JsonMap; path: Segments; init: boolean }[] = [];
  for (const field of ["initContainers", "containers", "ephemeralContainers"] as const) {
    const list = t.spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      if (isMap(c)) out.push({ container: c, path: [...t.path, field, i], init: field === "initContainers" });
    });
  }
  return out;
}

/** ` Did you mean "x"?` for the closest of `known` to `word`, or "" when none is close. */
export function didYouMean(word: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const k of known) {
    const dist = editDistance(word, k);
    if (dist < bestDistance) {
      best = k;
      bestDistance = dist;
    }
  }
  return best === undefined ? "" : ` Did you mean "${best}"?`;
}

/** The external declarations of the context. */
export function externals(ctx: CheckContext) {
  return ctx.externals ?? [];
}
