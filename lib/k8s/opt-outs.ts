/**
 * The render's hook for opt-outs ({@link skipCheck}): writes each construct's opt-outs as annotations
 * on the API objects under it. A namespace the lab creates (namespace.ts) gets an opt-out when every
 * construct that asked for it has one (their reasons joined), besides its own scopes'.
 */
import type { IConstruct } from "constructs";
import { ApiObject } from "cdk8s";
import { hasOptOuts, optOutAnnotations, withOwnOptOuts } from "../check/opt-out.js";
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
  // One walk down the tree, each construct's opt-outs added to its scopes' (not a walk up from every object).
  const visit = (c: IConstruct, inherited: Record<string, string>): void => {
    const here = withOwnOptOuts(inherited, c);
    if (c instanceof ApiObject) annotate(c, here);
    for (const child of c.node.children) visit(child, here);
  };
  const annotate = (obj: ApiObject, inherited: Record<string, string>): void => {
    let annotations = inherited;
    const unit = obj.node.scope;
    if (
      obj.kind === "Namespace" &&
      unit?.node.id === NAMESPACES_UNIT &&
      app.layers.includes(unit.node.scope as Layer)
    ) {
      annotations = { ...sharedOptOuts(ownersByName.get(obj.node.id) ?? []), ...annotations };
    }
    for (const [key, reason] of Object.entries(annotations)) obj.metadata.addAnnotation(key, reason);
  };
  visit(app, {});
}
