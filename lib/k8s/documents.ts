/**
 * The data steps of the render: the construct tree becomes plain documents,
 * grouped in units (one unit = one file), checked, and sorted. Each function
 * takes data and returns data; none changes the tree.
 */
import { ApiObject, App } from "cdk8s";
import type { IConstruct } from "constructs";
import { compareStrings as cmp } from "../model/order.js";
import { apiObjectRenderer } from "./api-object-json.js";

/** A Kubernetes document as rendered. */
export interface Doc {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string };
  readonly [key: string]: unknown;
}

/** A document and the construct it came from. */
export interface SourcedDoc {
  readonly doc: Doc;
  /** The construct path, for messages. */
  readonly path: string;
}

/** One file to be: `<dir>/<name>.yaml`, the documents of one direct child of a chart. */
export interface Unit {
  /** Folder under the output folder, e.g. `apps`. */
  readonly dir: string;
  /** The child's id, the file's name without `.yaml`. */
  readonly name: string;
  readonly docs: readonly SourcedDoc[];
}

const FILE_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** The API objects under `scope`, in tree order. */
export function apiObjectsUnder(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

/**
 * One unit per direct child of `chart` that holds API objects, in tree order; a child whose id
 * cannot name a file is a problem.
 */
export function collectUnits(chart: IConstruct, dir: string): { units: Unit[]; problems: string[] } {
  const units: Unit[] = [];
  const problems: string[] = [];
  const toJson = apiObjectRenderer(App.of(chart));
  for (const child of chart.node.children) {
    if (!FILE_NAME.test(child.node.id)) {
      problems.push(
        `[${child.node.path}] "${child.node.id}" cannot name a file: ` +
          'use lowercase letters, digits and "-" for the construct id',
      );
      continue;
    }
    const docs: SourcedDoc[] = [];
    for (const obj of apiObjectsUnder(child)) {
      try {
        docs.push({ doc: toJson(obj) as Doc, path: obj.node.path });
      } catch (e) {
        problems.push(`[${obj.node.path}] ${(e as Error).message}`);
      }
    }
    if (docs.length > 0) units.push({ dir, name: child.node.id, docs });
  }
  return { units, problems };
}

/** Two constructs that render the same object (group, kind, namespace and name), one message each. */
export function duplicateProblems(units: readonly Unit[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { doc, path } of units.flatMap((u) => u.docs)) {
    const group = doc.apiVersion.split("/").length > 1 ? doc.apiVersion.split("/")[0] : "core";
    const id = `${group}/${doc.kind}/${doc.metadata.namespace ?? ""}/${doc.metadata.name ?? ""}`;
    const prev = seen.get(id);
    if (prev !== undefined) {
      problems.push(
        `[${path}] ${doc.kind} ${doc.metadata.namespace ?? ""}/${doc.metadata.name} is also defined by ${prev}`,
      );
    } else seen.set(id, path);
  }
  return problems;
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

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** The order of documents in a file: namespaces first, then by kind, namespace and name. */
export function compareDocs(a: Doc, b: Doc): number {
  return (
    kindRank(a.kind) - kindRank(b.kind) ||
    cmp(a.kind, b.kind) ||
    cmp(a.metadata.namespace ?? "", b.metadata.namespace ?? "") ||
    cmp(a.metadata.name ?? "", b.metadata.name ?? "") ||
    cmp(a.apiVersion, b.apiVersion)
  );
}
