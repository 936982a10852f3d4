/**
 * Dangerous changes: data that Flux deletes, load-balancer addresses that move, k3s servers
 * that disappear. Each warning says what happens and what to do.
 */
import { compareStrings } from "../model/order.js";
import { apiGroup, layerOf, resourceLabel, type FluxLayer, type KubeDocument } from "./documents.js";
import type { JsonValue } from "./nix-parse.js";
import { k3sRole } from "./nix-side.js";
import type { DangerWarning, FieldChange, HostChange, ResourceChange } from "./types.js";

type Obj = { readonly [key: string]: JsonValue };

/** The annotation MetalLB reads for a Service's fixed address. */
export const LOAD_BALANCER_IPS_ANNOTATION = "metallb.io/loadBalancerIPs";

const STATEFUL: readonly { group: string; kind: string; loses: string }[] = [
  { group: "", kind: "PersistentVolumeClaim", loses: "it and the data on its volume" },
  { group: "postgresql.cnpg.io", kind: "Cluster", loses: "the PostgreSQL cluster, its volumes and its data" },
  { group: "", kind: "Namespace", loses: "the namespace and everything in it, volumes included" },
];

/** Warnings for removed stateful resources whose layer prunes. */
export function dataLossWarnings(
  changes: readonly ResourceChange[],
  layersBefore: readonly FluxLayer[],
  layersAfter: readonly FluxLayer[],
): DangerWarning[] {
  const out: DangerWarning[] = [];
  for (const c of changes) {
    if (c.change !== "removed") continue;
    const stateful = STATEFUL.find((s) => s.kind === c.kind && s.group === apiGroup(c.apiVersion));
    if (stateful === undefined) continue;
    // The layer's Kustomization as it will be; if it goes too, Flux garbage-collects with the old one.
    const old = layerOf(c.file, layersBefore);
    const layer = (old && layersAfter.find((l) => l.name === old.name && l.namespace === old.namespace)) ?? old;
    if (layer === undefined || !layer.prune) continue;
    const subject = resourceLabel(c);
    out.push({
      kind: "data-loss",
      subject,
      message:
        `${subject} is removed from ${c.file} and its layer ${layer.namespace}/${layer.name} prunes ` +
        `(prune: true): Flux deletes ${stateful.loses}. Back it up or keep it in the lab; ` +
        "to keep it in the cluster but stop managing it, annotate it " +
        "kustomize.toolkit.fluxcd.io/prune: disabled first.",
    });
  }
  return out;
}

/** `<name>Ip` reservations of vars.nix that changed address. */
function reservationMoves(lab: readonly FieldChange[]): { name: string; before: string; after: string }[] {
  const out: { name: string; before: string; after: string }[] = [];
  for (const f of lab) {
    const m = /^([A-Za-z0-9_-]+)Ip$/.exec(f.path);
    if (m && typeof f.before === "string" && typeof f.after === "string")
      out.push({ name: m[1]!, before: f.before, after: f.after });
  }
  return out;
}

/** Every value of the MetalLB annotation inside a document (Services, and Helm values that template one). */
function annotationValues(body: JsonValue, path: string, out: Map<string, string>): void {
  if (Array.isArray(body)) {
    body.forEach((el: JsonValue, i: number) => annotationValues(el, `${path}[${i}]`, out));
    return;
  }
  if (typeof body !== "object" || body === null) return;
  for (const [k, v] of Object.entries(body as Obj)) {
    if (k === LOAD_BALANCER_IPS_ANNOTATION && typeof v === "string") out.set(path, v);
    else annotationValues(v, path === "" ? k : `${path}.${k}`, out);
  }
}

/** Warnings for load-balancer addresses that move: in vars.nix, or in a resource's MetalLB annotation. */
export function loadBalancerWarnings(
  lab: readonly FieldChange[],
  changes: readonly ResourceChange[],
  docsBefore: ReadonlyMap<string, KubeDocument>,
  docsAfter: ReadonlyMap<string, KubeDocument>,
  keyOf: (c: ResourceChange) => string,
): DangerWarning[] {
  const out: DangerWarning[] = [];
  const moves = reservationMoves(lab);
  for (const m of moves) {
    out.push({
      kind: "load-balancer-moved",
      subject: `${m.name}Ip`,
      message:
        `load-balancer reservation "${m.name}" moves ${m.before} -> ${m.after} (nix/vars.nix ${m.name}Ip): ` +
        `DNS records, router port forwards and clients that use ${m.before} stop reaching it.`,
    });
  }
  const covered = new Set(moves.map((m) => `${m.before}>${m.after}`));
  for (const c of changes) {
    if (c.change !== "changed" && c.change !== "moved") continue;
    const key = keyOf(c);
    const b = new Map<string, string>();
    const a = new Map<string, string>();
    annotationValues(docsBefore.get(key)?.body ?? {}, "", b);
    annotationValues(docsAfter.get(key)?.body ?? {}, "", a);
    for (const [path, ip] of b) {
      const now = a.get(path);
      if (now === undefined || now === ip || covered.has(`${ip}>${now}`)) continue;
      const subject = resourceLabel(c);
      out.push({
        kind: "load-balancer-moved",
        subject,
        message:
          `${subject} moves its load-balancer address ${ip} -> ${now} (${LOAD_BALANCER_IPS_ANNOTATION}): ` +
          `DNS records, router port forwards and clients that use ${ip} stop reaching it.`,
      });
    }
  }
  return out;
}

/** Warnings for removed k3s servers and a moved cluster-init server. */
export function k3sWarnings(
  hosts: readonly HostChange[],
  varsBefore: Obj | undefined,
  varsAfter: Obj | undefined,
): DangerWarning[] {
  const out: DangerWarning[] = [];
  for (const h of hosts) {
    if (h.change !== "removed" || k3sRole(varsBefore, h.hostname) !== "server") continue;
    out.push({
      kind: "k3s-server-removed",
      subject: h.hostname,
      message:
        `k3s server ${h.hostname} is removed: the cluster loses a control-plane (etcd) member, and with ` +
        `fewer than half of the servers left it loses quorum. Drain and delete the node (kubectl drain, ` +
        `kubectl delete node ${h.hostname}) before you turn the host off.`,
    });
  }
  const initBefore = (varsBefore?.k3s as Obj | null | undefined)?.clusterInit;
  const initAfter = (varsAfter?.k3s as Obj | null | undefined)?.clusterInit;
  if (typeof initBefore === "string" && typeof initAfter === "string" && initBefore !== initAfter) {
    out.push({
      kind: "cluster-init-moved",
      subject: initAfter,
      message:
        `the k3s cluster-init server moves from ${initBefore} to ${initAfter}: a server started with ` +
        `--cluster-init on an empty disk creates a new, empty cluster instead of joining the existing one. ` +
        `Make sure ${initAfter} already holds the cluster's data, or keep ${initBefore} as cluster-init.`,
    });
  }
  return out.sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.subject, b.subject));
}
