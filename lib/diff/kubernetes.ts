/**
 * The Kubernetes side of a diff: resources of `dist/` added, removed, changed or moved to
 * another file, with field-level changes. Only files whose text differs are parsed: a
 * resource in an unchanged file cannot have changed.
 */
import { compareStrings } from "../model/order.js";
import { DocumentError, isKubernetesFile, readDocuments, resourceKey, type KubeDocument } from "./documents.js";
import { diffValues } from "./fields.js";
import type { FieldChange, FileNote, ResourceChange } from "./types.js";

/** Result of {@link diffKubernetes}: the changes, the documents they came from, and unreadable files. */
export interface KubernetesDiffResult {
  readonly changes: ResourceChange[];
  /** Documents before and after, by resource key (only of the files that differ). */
  readonly before: ReadonlyMap<string, KubeDocument>;
  readonly after: ReadonlyMap<string, KubeDocument>;
  readonly notes: FileNote[];
}

function collect(
  files: ReadonlyMap<string, string>,
  paths: readonly string[],
  notes: FileNote[],
  when: string,
): Map<string, KubeDocument> {
  const out = new Map<string, KubeDocument>();
  for (const file of paths) {
    const text = files.get(file);
    if (text === undefined) continue;
    try {
      for (const d of readDocuments(file, text)) out.set(resourceKey(d), d);
    } catch (e) {
      if (!(e instanceof DocumentError)) throw e;
      notes.push({
        file,
        note: `${when}: ${e.message.slice(file.length + 2)}; its resources are left out of the diff`,
      });
    }
  }
  return out;
}

/** Compares the Kubernetes files of two trees; `differing` are the paths whose text differs. */
export function diffKubernetes(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
  differing: readonly string[],
): KubernetesDiffResult {
  const paths = differing.filter(isKubernetesFile);
  const notes: FileNote[] = [];
  const b = collect(before, paths, notes, "before");
  const a = collect(after, paths, notes, "after");
  // A file unreadable on one side says nothing about its resources: leave them out on both sides.
  const unreadable = new Set(notes.map((n) => n.file));
  for (const docs of [b, a]) for (const [key, d] of docs) if (unreadable.has(d.file)) docs.delete(key);
  const changes: ResourceChange[] = [];
  for (const [key, old] of b) {
    const now = a.get(key);
    const base = { kind: old.kind, namespace: old.namespace, name: old.name };
    if (now === undefined) {
      changes.push({ change: "removed", apiVersion: old.apiVersion, ...base, file: old.file, fields: [] });
      continue;
    }
    const fields: FieldChange[] = [];
    diffValues(old.body, now.body, "", fields);
    if (now.file !== old.file) {
      changes.push({
        change: "moved",
        apiVersion: now.apiVersion,
        ...base,
        file: now.file,
        fromFile: old.file,
        fields,
      });
    } else if (fields.length > 0) {
      changes.push({ change: "changed", apiVersion: now.apiVersion, ...base, file: now.file, fields });
    }
  }
  for (const [key, now] of a) {
    if (b.has(key)) continue;
    const base = { kind: now.kind, namespace: now.namespace, name: now.name };
    changes.push({ change: "added", apiVersion: now.apiVersion, ...base, file: now.file, fields: [] });
  }
  changes.sort(
    (x, y) =>
      compareStrings(x.kind, y.kind) ||
      compareStrings(x.namespace, y.namespace) ||
      compareStrings(x.name, y.name) ||
      compareStrings(x.apiVersion, y.apiVersion),
  );
  return { changes, before: b, after: a, notes };
}
