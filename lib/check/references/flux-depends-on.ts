/**
 * `flux-depends-on`: the `dependsOn` of every Flux Kustomization and HelmRelease names an object of
 * the same kind that the lab renders (or flux-system's own Kustomization, made by `flux bootstrap`),
 * and the dependencies have no cycle, which Flux would wait on forever.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { CheckContext, CheckedDocument } from "../context.js";
import type { Finding } from "../finding.js";
import { at, didYouMean, finding, isKind, isMap, nameOf, namespaceOf, str } from "./lab.js";

const ID = "flux-depends-on";

const KINDS: readonly [group: string, kind: string][] = [
  ["kustomize.toolkit.fluxcd.io", "Kustomization"],
  ["helm.toolkit.fluxcd.io", "HelmRelease"],
];

/** What Flux makes itself: the `flux-system` Kustomization of `flux bootstrap`. */
const FLUX_OWN = new Set(["Kustomization flux-system/flux-system"]);

function run(ctx: CheckContext): Finding[] {
  const findings: Finding[] = [];
  const index = documentIndex(ctx);
  for (const [group, kind] of KINDS) {
    const docs = index.ofKind(kind).filter((d) => isKind(d, group, kind));
    const byKey = new Map<string, CheckedDocument>(docs.map((d) => [`${namespaceOf(d)}/${nameOf(d)}`, d]));
    const edges = new Map<string, { to: string; index: number }[]>();
    for (const d of docs) {
      const from = `${namespaceOf(d)}/${nameOf(d)}`;
      const deps = at(d.doc, ["spec", "dependsOn"]);
      if (!Array.isArray(deps)) continue;
      deps.forEach((dep, i) => {
        const name = isMap(dep) ? str(dep.name) : undefined;
        if (name === undefined) return;
        const to = `${(isMap(dep) ? str(dep.namespace) : undefined) ?? namespaceOf(d)}/${name}`;
        if (byKey.has(to)) {
          edges.set(from, [...(edges.get(from) ?? []), { to, index: i }]);
        } else if (!FLUX_OWN.has(`${kind} ${to}`)) {
          const known = docs.filter((o) => namespaceOf(o) === to.split("/")[0]).map(nameOf);
          findings.push(
            finding(
              ID,
              "error",
              d,
              ["spec", "dependsOn", i, "name"],
              `depends on ${kind} ${to}, which the lab does not render; Flux would wait for it forever`,
              `Name a ${kind} of the lab (${[...byKey.keys()].join(", ") || "there is none"}), or remove the ` +
                `dependency.${didYouMean(name, known)}`,
            ),
          );
        }
      });
    }
    // Cycles: depth-first search, each cycle reported once, at the edge that closes it.
    const state = new Map<string, "visiting" | "done">();
    const visit = (node: string, trail: string[]): void => {
      state.set(node, "visiting");
      for (const { to, index } of edges.get(node) ?? []) {
        if (state.get(to) === "visiting") {
          const cycle = [...trail.slice(trail.indexOf(to)), node, to];
          findings.push(
            finding(
              ID,
              "error",
              byKey.get(node)!,
              ["spec", "dependsOn", index, "name"],
              `${kind}s depend on each other in a cycle: ${cycle.join(" -> ")}; Flux would apply none of them`,
              "Remove one of these dependencies: Flux applies an object only after everything it depends on is ready.",
            ),
          );
        } else if (state.get(to) === undefined) visit(to, [...trail, node]);
      }
      state.set(node, "done");
    };
    for (const key of [...byKey.keys()].sort()) if (state.get(key) === undefined) visit(key, []);
  }
  return findings;
}

/** The check. */
export const fluxDependsOn: Check = {
  id: ID,
  doc: "Flux dependsOn (Kustomizations, HelmReleases) names objects of the lab and has no cycle.",
  severity: "error",
  skippable: false,
  run,
};
