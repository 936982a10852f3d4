/**
 * Namespaces, each labelled for Pod Security. Constructs ask for the namespace
 * they live in with {@link ensureNamespace}; the namespace is created once, in
 * the earliest layer that asks for it (`<layer>/namespaces.yaml`), so a
 * controller's namespace exists before the configs layer puts resources in it.
 */
import { Construct } from "constructs";
import { k8s } from "cdk8s-plus-30";
import { HomelabApp, Layer } from "./homelab-app.js";
import { commonLabels } from "./defaults.js";

/** Pod Security Standard level enforced on a namespace. */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

interface Request {
  readonly level: PodSecurityLevel;
  readonly layer: Layer;
  readonly by: string;
}

const registry = new WeakMap<HomelabApp, Map<string, Request[]>>();

/**
 * Declares that `scope` puts resources in namespace `name`, enforced at Pod Security `level`.
 * All requests for one namespace must agree on the level.
 * @default level "restricted"
 */
export function ensureNamespace(scope: Construct, name: string, level: PodSecurityLevel = "restricted"): string {
  const app = HomelabApp.containing(scope);
  let map = registry.get(app);
  if (map === undefined) registry.set(app, (map = new Map()));
  const list = map.get(name) ?? [];
  list.push({ level, layer: Layer.containing(scope), by: scope.node.path });
  map.set(name, list);
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

/**
 * Creates the requested namespaces (called once by the renderer before synthesis).
 * @returns problems: namespaces asked for with different Pod Security levels
 */
export function materializeNamespaces(app: HomelabApp): string[] {
  const problems: string[] = [];
  const map = registry.get(app) ?? new Map<string, Request[]>();
  const order = new Map(app.layers.map((l, i) => [l, i]));
  for (const name of [...map.keys()].sort()) {
    const requests = map.get(name)!;
    const levels = [...new Set(requests.map((r) => r.level))];
    if (levels.length > 1) {
      problems.push(
        `namespace "${name}" is asked for with different Pod Security levels: ` +
          requests.map((r) => `${r.level} by ${r.by}`).join(", ") +
          ". Put workloads that need more privilege in a namespace of their own.",
      );
      continue;
    }
    const layer = requests.map((r) => r.layer).sort((a, b) => order.get(a)! - order.get(b)!)[0]!;
    const unit = (layer.node.tryFindChild("namespaces") as Construct | undefined) ?? new Construct(layer, "namespaces");
    if (unit.node.tryFindChild(name) !== undefined) continue;
    new k8s.KubeNamespace(unit, name, {
      metadata: { name, labels: { ...commonLabels(app.homelab.name), ...podSecurityLabels(levels[0]!) } },
    });
  }
  registry.delete(app);
  return problems;
}
