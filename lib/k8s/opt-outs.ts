/**
 * The render's hook for opt-outs ({@link skipCheck}): writes each construct's opt-outs as annotations
 * on the API objects under it. A namespace the lab creates (namespace.ts) gets an opt-out when every
 * construct that asked for it has one (their reasons joined), besides its own scopes'.
 */
import type { IConstruct } from "constructs";
import { hasOptOuts, optOutAnnotations } from "../check/opt-out.js";
import { apiObjectsUnder } from "./documents.js";
import type { HomelabApp, Layer } from "./homelab-app.js";
import { NAMESPACES_UNIT } from "./namespace.js";

/** The opt-outs every one of `owners` has, reasons joined with "; " when they differ. */
function sharedOptOuts(owners: readonly IConstruct[]): Record<string, string> {
  if (owners.length === 0) return {};
  const each = owners.map(optOutAnnotations);
  const out: Record<string, string> = {};
  for (const key of Object.keys(each[0]!)) {
    if (!each.every((a) => key in a)) continue;
    out[key] = [...new Set(each.map((a) => a[key]!))].join("; ");
  }
  return out;
}

/** Annotates every API object of `app` with the opt-outs in force on it. Idempotent. */
export function annotateOptOuts(app: HomelabApp): void {
  // Most labs skip no check: then no object has an opt-out, and asking each of thousands costs a walk of the tree.
  if (!hasOptOuts(app)) return;
  const byPath = new Map<string, IConstruct>(app.node.findAll().map((c) => [c.node.path, c]));
  // The constructs that asked for each namespace, grouped once (a lab of a thousand apps has as many).
  const ownersByName = new Map<string, IConstruct[]>();
  for (const r of app.requestedNamespaces) {
    const owner = byPath.get(r.by);
    if (owner === undefined) continue;
    const owners = ownersByName.get(r.name) ?? [];
    owners.push(owner);
    ownersByName.set(r.name, owners);
  }
  for (const obj of apiObjectsUnder(app)) {
    let annotations = optOutAnnotations(obj);
    const unit = obj.node.scope;
    if (
      obj.kind === "Namespace" &&
      unit?.node.id === NAMESPACES_UNIT &&
      app.layers.includes(unit.node.scope as Layer)
    ) {
      annotations = { ...sharedOptOuts(ownersByName.get(obj.node.id) ?? []), ...annotations };
    }
    for (const [key, reason] of Object.entries(annotations)) obj.metadata.addAnnotation(key, reason);
  }
}
