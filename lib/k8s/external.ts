/**
 * Objects the lab reads but does not make: a Secret created by hand with kubectl, a StorageClass of
 * a CSI driver installed outside the lab. Declaring one, with the reason, tells the reference checks
 * (lib/check/references) that it exists; nothing is rendered for it.
 */
import type { IConstruct } from "constructs";
import { HomelabApp } from "./homelab-app.js";

/** The kinds of object a lab may declare external. */
export type ExternalKind =
  | "Secret"
  | "ConfigMap"
  | "PersistentVolumeClaim"
  | "ServiceAccount"
  | "Service"
  | "StorageClass";

const KINDS: readonly ExternalKind[] = [
  "Secret",
  "ConfigMap",
  "PersistentVolumeClaim",
  "ServiceAccount",
  "Service",
  "StorageClass",
];
const CLUSTER_SCOPED: readonly ExternalKind[] = ["StorageClass"];
const NAME = /^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$/;

/** An object that exists in the cluster without the lab making it. */
export interface ExternalObjectProps {
  /** Its kind. */
  readonly kind: ExternalKind;
  /**
   * Its namespace; leave it out for a StorageClass (cluster-scoped).
   * @default undefined - cluster-scoped (a StorageClass); required for every other kind
   */
  readonly namespace?: string;
  /** Its name. */
  readonly name: string;
  /** Who makes it and how, for reviewers (e.g. "created by hand: kubectl create secret ..."). */
  readonly reason: string;
}

/** A declared external object, as the checks read it: where it was declared. */
export interface ExternalObject extends ExternalObjectProps {
  /** The construct path of the scope it was declared in. */
  readonly declaredBy: string;
}

/** The declarations of each app. */
const declarations = new WeakMap<HomelabApp, ExternalObject[]>();

/**
 * Declares that `object` exists in the cluster although the lab does not make it, so the reference
 * checks accept what refers to it (a Secret read by a container, a StorageClass named by a PVC).
 * Malformed declarations are reported with the other construct problems at synth, under `scope`'s path.
 *
 * ```ts
 * declareExternal(app.apps, {
 *   kind: "Secret", namespace: "media", name: "smb-credentials",
 *   reason: "created by hand on the cluster: kubectl create secret generic smb-credentials ...",
 * });
 * ```
 */
export function declareExternal(scope: IConstruct, object: ExternalObjectProps): void {
  const app = HomelabApp.of(scope);
  const where = "declareExternal";
  const o = object as Partial<Record<keyof ExternalObjectProps, unknown>>;
  const problems: string[] = [];
  if (!KINDS.includes(o.kind as ExternalKind)) {
    problems.push(
      `${where}: kind ${JSON.stringify(o.kind)} cannot be declared external; use one of ${KINDS.join(", ")}`,
    );
  }
  if (typeof o.name !== "string" || !NAME.test(o.name)) {
    problems.push(
      `${where}: name ${JSON.stringify(o.name)} is not a Kubernetes object name; use lowercase letters, digits, "-" and "."`,
    );
  }
  const clusterScoped = CLUSTER_SCOPED.includes(o.kind as ExternalKind);
  if (clusterScoped && o.namespace !== undefined) {
    problems.push(`${where}: a ${String(o.kind)} is cluster-scoped; leave namespace out`);
  } else if (!clusterScoped && (typeof o.namespace !== "string" || !NAME.test(o.namespace))) {
    problems.push(
      `${where}: namespace ${JSON.stringify(o.namespace)} is missing or invalid; give the namespace of the ${String(o.kind)}`,
    );
  }
  if (typeof o.reason !== "string" || o.reason.trim() === "") {
    problems.push(`${where}: give a reason (who makes ${String(o.name)} and how), for reviewers`);
  }
  if (problems.length > 0) {
    // Reported with the other construct problems at synth, under the scope's path.
    scope.node.addValidation({ validate: () => problems });
    return;
  }
  const list = declarations.get(app) ?? [];
  list.push({ ...object, declaredBy: scope.node.path });
  declarations.set(app, list);
}

/** Every object declared external in `app`, in the order declared. */
export function externalsOf(app: HomelabApp): readonly ExternalObject[] {
  return [...(declarations.get(app) ?? [])];
}
