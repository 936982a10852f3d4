/**
 * Where the pods of a rendered document are: the pod spec of a Pod, of a workload's template
 * (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job) or of a CronJob's job template, with its
 * JSON path. Shared by the policies that read containers.
 */
import type { CheckedDocument } from "../context.js";

/** A JSON object as the documents hold it. */
export type Json = Record<string, unknown>;

/** True for a JSON object (not an array, not null). */
export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The kinds that run pods for as long as they are not scaled down (probes make sense for them). */
export const LONG_RUNNING_KINDS: ReadonlySet<string> = new Set([
  "Pod",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
]);

/** One pod spec of a document. */
export interface PodSpecAt {
  readonly source: CheckedDocument;
  /** The pod spec. */
  readonly spec: Json;
  /** Its JSON path in the document, e.g. `spec.template.spec`. */
  readonly path: string;
}

/** A container of a pod spec, with its JSON path. */
export interface ContainerAt {
  readonly container: Json;
  /** E.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
  /** `containers`, `initContainers` or `ephemeralContainers`. */
  readonly list: "containers" | "initContainers" | "ephemeralContainers";
}

function at(obj: unknown, keys: readonly string[]): unknown {
  let v = obj;
  for (const k of keys) v = isObject(v) ? v[k] : undefined;
  return v;
}

/** The pod spec of `source`'s document, or undefined when it runs no pods. */
export function podSpecOf(source: CheckedDocument): PodSpecAt | undefined {
  const { doc } = source;
  const keys =
    doc.kind === "Pod"
      ? ["spec"]
      : doc.kind === "CronJob"
        ? ["spec", "jobTemplate", "spec", "template", "spec"]
        : ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(doc.kind)
          ? ["spec", "template", "spec"]
          : undefined;
  if (keys === undefined) return undefined;
  const spec = at(doc, keys);
  return isObject(spec) ? { source, spec, path: keys.join(".") } : undefined;
}

/** Every pod spec of the documents, in document order. */
export function podSpecs(documents: readonly CheckedDocument[]): PodSpecAt[] {
  return documents.flatMap((d) => podSpecOf(d) ?? []);
}

/** The containers of a pod spec: `containers`, then `initContainers`, then `ephemeralContainers`. */
export function containersOf(pod: PodSpecAt): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const list of ["containers", "initContainers", "ephemeralContainers"] as const) {
    const items = pod.spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((c, i) => {
      if (isObject(c)) out.push({ container: c, path: `${pod.path}.${list}[${i}]`, list });
    });
  }
  return out;
}

/** The container's name for messages: `container "app"`. */
export function containerName(c: ContainerAt): string {
  return typeof c.container.name === "string" ? `container "${c.container.name}"` : "a container";
}
