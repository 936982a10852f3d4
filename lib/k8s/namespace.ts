/**
 * Namespaces, each labelled for Pod Security. Constructs ask for the namespace
 * they live in with {@link ensureNamespace}; the request is kept on the
 * HomelabApp, and the render's prepare step ({@link prepareNamespaces}) creates
 * each namespace once, in the earliest layer that asks for it
 * (`<layer>/namespaces.yaml`), so a controller's namespace exists before the
 * configs layer puts resources in it.
 */
import { Construct } from "constructs";
import { k8s } from "cdk8s-plus-30";
import { commonLabels } from "./defaults.js";
import { HomelabApp, Layer, type NamespaceRequest } from "./homelab-app.js";

/** Pod Security Standard level enforced on a namespace. */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/** Id of the unit (and file) of a layer that holds its namespaces. */
export const NAMESPACES_UNIT = "namespaces";

/**
 * Declares that `scope` puts resources in namespace `name`, enforced at Pod Security `level`.
 * All requests for one namespace must agree on the level.
 * @default level "restricted"
 */
export function ensureNamespace(scope: Construct, name: string, level: PodSecurityLevel = "restricted"): string {
  HomelabApp.of(scope).requestNamespace({ name, level, layer: Layer.of(scope), by: scope.node.path });
  return name;
}

/** The Pod Security labels for `level` (enforce, audit and warn alike). */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/audit": level,
    "pod-security.kubernetes.io/warn": level,
  };
}

/** What the requests decide for one namespace: its level and layer, or a conflict. */
export interface NamespacePlan {
  readonly name: string;
  /** The agreed level; undefined when the requests disagree. */
  readonly level: PodSecurityLevel | undefined;
  /** The earliest layer that asks for it. */
  readonly layer: Layer;
  readonly requests: readonly NamespaceRequest[];
}

/** Groups requests by namespace name (sorted), each with its level and earliest layer. Pure. */
export function planNamespaces(requests: readonly NamespaceRequest[], layers: readonly Layer[]): NamespacePlan[] {
  const order = new Map(layers.map((l, i) => [l, i]));
  const byName = new Map<string, NamespaceRequest[]>();
  for (const r of requests) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return [...byName.keys()].sort().map((name) => {
    const list = byName.get(name)!;
    const levels = [...new Set(list.map((r) => r.level))];
    const layer = list.map((r) => r.layer).sort((a, b) => order.get(a)! - order.get(b)!)[0]!;
    return { name, level: levels.length === 1 ? levels[0] : undefined, layer, requests: list };
  });
}

/** The namespaces asked for with different Pod Security levels, one message each. Pure. */
export function namespaceConflicts(plans: readonly NamespacePlan[]): string[] {
  return plans
    .filter((p) => p.level === undefined)
    .map(
      (p) =>
        `namespace "${p.name}" is asked for with different Pod Security levels: ` +
        p.requests.map((r) => `${r.level} by ${r.by}`).join(", ") +
        ". Put workloads that need more privilege in a namespace of their own.",
    );
}

/**
 * Creates each requested namespace that is not in the tree yet (`<layer>/namespaces/<name>`).
 * Idempotent: calling it again adds only namespaces asked for since. Namespaces asked for
 * with different levels are left out ({@link namespaceConflicts} reports them).
 */
export function prepareNamespaces(app: HomelabApp): void {
  for (const plan of planNamespaces(app.requestedNamespaces, app.layers)) {
    if (plan.level === undefined) continue;
    const layer = plan.layer;
    const unit =
      (layer.node.tryFindChild(NAMESPACES_UNIT) as Construct | undefined) ?? new Construct(layer, NAMESPACES_UNIT);
    if (unit.node.tryFindChild(plan.name) !== undefined) continue;
    new k8s.KubeNamespace(unit, plan.name, {
      metadata: { name: plan.name, labels: { ...commonLabels(app.homelab.name), ...podSecurityLabels(plan.level) } },
    });
  }
}
