/**
 * `object-references`: every Secret, ConfigMap, PersistentVolumeClaim and ServiceAccount the lab's
 * documents read exists: the lab renders it, a SOPS file holds it, an operator the lab installs
 * makes it (CloudNativePG's `<cluster>-app`, cert-manager's TLS Secrets, StatefulSet claims), k3s or
 * Flux make it (`default` ServiceAccounts, `kube-root-ca.crt`, Flux's own Secrets), or the user
 * declared it external (`declareExternal`).
 */
import { parseSopsSecret } from "../../k8s/sops.js";
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { CheckContext, CheckedDocument } from "../context.js";
import type { Finding } from "../finding.js";
import {
  type Segments,
  at,
  containersOf,
  didYouMean,
  externals,
  finding,
  isKind,
  isMap,
  nameOf,
  namespaceOf,
  podTemplateOf,
  str,
  targetNamespaceOf,
  walkMaps,
} from "./lab.js";

const ID = "object-references";

/** The kinds this check follows. */
export type ReferencedKind = "Secret" | "ConfigMap" | "PersistentVolumeClaim" | "ServiceAccount";
const KINDS: readonly ReferencedKind[] = ["Secret", "ConfigMap", "PersistentVolumeClaim", "ServiceAccount"];

/** One reference from a document to an object. */
interface Reference {
  readonly kind: ReferencedKind;
  readonly namespace: string;
  readonly name: string;
  readonly path: Segments;
}

const CERT_MANAGER_ANNOTATIONS = ["cert-manager.io/cluster-issuer", "cert-manager.io/issuer"];
/** The Secrets CloudNativePG makes for a Cluster `<name>`. */
const CNPG_SECRETS = ["app", "superuser", "ca", "server", "replication"];
/** The namespace cert-manager reads a ClusterIssuer's Secrets from (its cluster resource namespace). */
const CERT_MANAGER_NAMESPACE = "cert-manager";

const key = (kind: string, namespace: string, name: string) => `${kind} ${namespace}/${name}`;

function hasCertManagerAnnotation(annotations: unknown): boolean {
  return isMap(annotations) && CERT_MANAGER_ANNOTATIONS.some((a) => typeof annotations[a] === "string");
}

/** What exists: every object the lab makes or knows of, and the StatefulSet claim prefixes. */
function existing(ctx: CheckContext): { objects: Set<string>; claimPrefixes: Set<string> } {
  const objects = new Set<string>();
  const claimPrefixes = new Set<string>();
  const add = (kind: string, ns: string, name: string | undefined) => {
    if (name !== undefined) objects.add(key(kind, ns, name));
  };
  for (const d of ctx.documents) {
    const ns = namespaceOf(d);
    for (const kind of KINDS) if (isKind(d, "", kind)) add(kind, ns, nameOf(d));
    if (isKind(d, "postgresql.cnpg.io", "Cluster")) {
      for (const s of CNPG_SECRETS) add("Secret", ns, `${nameOf(d)}-${s}`);
      add("ServiceAccount", ns, nameOf(d));
    }
    if (isKind(d, "cert-manager.io", "Certificate")) add("Secret", ns, str(at(d.doc, ["spec", "secretName"])));
    if (isKind(d, "cert-manager.io", "Issuer") || isKind(d, "cert-manager.io", "ClusterIssuer")) {
      const issuerNs = d.doc.kind === "Issuer" ? ns : CERT_MANAGER_NAMESPACE;
      add("Secret", issuerNs, str(at(d.doc, ["spec", "acme", "privateKeySecretRef", "name"])));
    }
    if (isKind(d, "networking.k8s.io", "Ingress") && hasCertManagerAnnotation(at(d.doc, ["metadata", "annotations"]))) {
      const tls = at(d.doc, ["spec", "tls"]);
      if (Array.isArray(tls)) for (const t of tls) add("Secret", ns, str(at(t, ["secretName"])));
    }
    if (isKind(d, "helm.toolkit.fluxcd.io", "HelmRelease")) {
      walkMaps(at(d.doc, ["spec", "values"]), [], (map) => {
        if (!hasCertManagerAnnotation(map.annotations) || !Array.isArray(map.tls)) return;
        for (const t of map.tls) add("Secret", targetNamespaceOf(d), str(at(t, ["secretName"])));
      });
    }
    if (isKind(d, "apps", "StatefulSet")) {
      const templates = at(d.doc, ["spec", "volumeClaimTemplates"]);
      if (Array.isArray(templates)) {
        for (const t of templates) {
          const n = str(at(t, ["metadata", "name"]));
          if (n !== undefined) claimPrefixes.add(`${ns}/${n}-${nameOf(d)}-`);
        }
      }
    }
  }
  for (const s of ctx.secrets) add("Secret", s.namespace, s.name);
  for (const file of ctx.sopsFiles) {
    const parsed = parseSopsSecret(file);
    if (!Array.isArray(parsed)) add("Secret", parsed.namespace, parsed.name);
  }
  for (const e of externals(ctx)) add(e.kind, e.namespace ?? "", e.name);
  // Flux's own: the deploy key `flux bootstrap` makes, and the age key the user gives it (the model names it).
  add("Secret", "flux-system", "flux-system");
  const flux = ctx.homelab.kubernetesOptions?.flux;
  if (flux !== undefined) add("Secret", "flux-system", flux.sopsAgeSecret);
  return { objects, claimPrefixes };
}

/** A `{ name, optional }` reference of `kind` (skipped when optional: the pod starts without it). */
function named(out: Reference[], kind: ReferencedKind, ns: string, ref: unknown, field: string, path: Segments): void {
  if (!isMap(ref) || ref.optional === true) return;
  const name = str(ref[field]);
  if (name !== undefined && name !== "") out.push({ kind, namespace: ns, name, path: [...path, field] });
}

/** The volume sources that name an object: field, kind, and the field that holds the name. */
const VOLUME_REFS: readonly [field: string, kind: ReferencedKind, nameField: string][] = [
  ["secret", "Secret", "secretName"],
  ["configMap", "ConfigMap", "name"],
  ["persistentVolumeClaim", "PersistentVolumeClaim", "claimName"],
];

/** The references of a pod template. Paths are built only for what is there: this runs on every pod of the lab. */
function podReferences(d: CheckedDocument, out: Reference[]): void {
  const t = podTemplateOf(d);
  if (t === undefined) return;
  const ns = namespaceOf(d);
  for (const { container, path } of containersOf(t)) {
    const env = container.env;
    if (Array.isArray(env)) {
      env.forEach((e, i) => {
        const from = isMap(e) ? e.valueFrom : undefined;
        if (!isMap(from)) return;
        const p = [...path, "env", i, "valueFrom"];
        if (isMap(from.secretKeyRef)) named(out, "Secret", ns, from.secretKeyRef, "name", [...p, "secretKeyRef"]);
        if (isMap(from.configMapKeyRef)) {
          named(out, "ConfigMap", ns, from.configMapKeyRef, "name", [...p, "configMapKeyRef"]);
        }
      });
    }
    const envFrom = container.envFrom;
    if (Array.isArray(envFrom)) {
      envFrom.forEach((e, i) => {
        if (!isMap(e)) return;
        if (isMap(e.secretRef)) named(out, "Secret", ns, e.secretRef, "name", [...path, "envFrom", i, "secretRef"]);
        if (isMap(e.configMapRef)) {
          named(out, "ConfigMap", ns, e.configMapRef, "name", [...path, "envFrom", i, "configMapRef"]);
        }
      });
    }
  }
  const volumes = t.spec.volumes;
  if (Array.isArray(volumes)) {
    volumes.forEach((v, i) => {
      if (!isMap(v)) return;
      for (const [field, kind, nameField] of VOLUME_REFS) {
        if (isMap(v[field])) named(out, kind, ns, v[field], nameField, [...t.path, "volumes", i, field]);
      }
      const sources = at(v, ["projected", "sources"]);
      if (Array.isArray(sources)) {
        const p = [...t.path, "volumes", i, "projected", "sources"];
        sources.forEach((s, j) => {
          named(out, "Secret", ns, at(s, ["secret"]), "name", [...p, j, "secret"]);
          named(out, "ConfigMap", ns, at(s, ["configMap"]), "name", [...p, j, "configMap"]);
        });
      }
    });
  }
  const pullSecrets = t.spec.imagePullSecrets;
  if (Array.isArray(pullSecrets)) {
    pullSecrets.forEach((s, i) => named(out, "Secret", ns, s, "name", [...t.path, "imagePullSecrets", i]));
  }
  for (const field of ["serviceAccountName", "serviceAccount"]) {
    const sa = str(t.spec[field]);
    if (sa !== undefined && sa !== "") {
      out.push({ kind: "ServiceAccount", namespace: ns, name: sa, path: [...t.path, field] });
      break;
    }
  }
}

/** CloudNativePG's `{ name, key }` Secret selectors under `value`. */
function secretSelectors(out: Reference[], ns: string, value: unknown, path: Segments): void {
  walkMaps(value, path, (map, p) => {
    const keys = Object.keys(map);
    if (keys.length === 2 && typeof map.name === "string" && typeof map.key === "string") {
      out.push({ kind: "Secret", namespace: ns, name: map.name, path: [...p, "name"] });
    }
  });
}

/** The kinds {@link references} reads (of their API groups): documents of other kinds make none. */
const REFERRING_KINDS: ReadonlySet<string> = new Set([
  ...["Pod", "Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "Job", "CronJob"],
  ...["Ingress", "HelmRelease", "Kustomization", "GitRepository", "HelmRepository", "OCIRepository", "Bucket"],
  ...["Cluster", "ObjectStore", "Issuer", "ClusterIssuer"],
]);

/** Every reference a document makes. */
function references(d: CheckedDocument): Reference[] {
  if (!REFERRING_KINDS.has(d.doc.kind)) return [];
  const out: Reference[] = [];
  const ns = namespaceOf(d);
  podReferences(d, out);
  if (isKind(d, "networking.k8s.io", "Ingress")) {
    const tls = at(d.doc, ["spec", "tls"]);
    if (Array.isArray(tls)) tls.forEach((t, i) => named(out, "Secret", ns, t, "secretName", ["spec", "tls", i]));
  }
  if (isKind(d, "helm.toolkit.fluxcd.io", "HelmRelease")) {
    const valuesFrom = at(d.doc, ["spec", "valuesFrom"]);
    if (Array.isArray(valuesFrom)) {
      valuesFrom.forEach((v, i) => {
        const kind = at(v, ["kind"]);
        if (kind === "Secret" || kind === "ConfigMap") named(out, kind, ns, v, "name", ["spec", "valuesFrom", i]);
      });
    }
    const target = targetNamespaceOf(d);
    walkMaps(at(d.doc, ["spec", "values"]), ["spec", "values"], (map, p) => {
      const existingSecret = str(map.existingSecret);
      if (existingSecret !== undefined && existingSecret !== "") {
        out.push({ kind: "Secret", namespace: target, name: existingSecret, path: [...p, "existingSecret"] });
      }
      named(out, "Secret", target, map.secretKeyRef, "name", [...p, "secretKeyRef"]);
      named(out, "ConfigMap", target, map.configMapKeyRef, "name", [...p, "configMapKeyRef"]);
      if (Array.isArray(map.tls)) {
        map.tls.forEach((t, i) => named(out, "Secret", target, t, "secretName", [...p, "tls", i]));
      }
    });
  }
  if (isKind(d, "kustomize.toolkit.fluxcd.io", "Kustomization")) {
    named(out, "Secret", ns, at(d.doc, ["spec", "decryption", "secretRef"]), "name", [
      "spec",
      "decryption",
      "secretRef",
    ]);
  }
  for (const kind of ["GitRepository", "HelmRepository", "OCIRepository", "Bucket"]) {
    if (!isKind(d, "source.toolkit.fluxcd.io", kind)) continue;
    named(out, "Secret", ns, at(d.doc, ["spec", "secretRef"]), "name", ["spec", "secretRef"]);
    named(out, "Secret", ns, at(d.doc, ["spec", "certSecretRef"]), "name", ["spec", "certSecretRef"]);
  }
  if (isKind(d, "postgresql.cnpg.io", "Cluster")) {
    named(out, "Secret", ns, at(d.doc, ["spec", "superuserSecret"]), "name", ["spec", "superuserSecret"]);
    named(out, "Secret", ns, at(d.doc, ["spec", "bootstrap", "initdb", "secret"]), "name", [
      "spec",
      "bootstrap",
      "initdb",
      "secret",
    ]);
    const pull = at(d.doc, ["spec", "imagePullSecrets"]);
    if (Array.isArray(pull))
      pull.forEach((s, i) => named(out, "Secret", ns, s, "name", ["spec", "imagePullSecrets", i]));
    secretSelectors(out, ns, at(d.doc, ["spec", "backup"]), ["spec", "backup"]);
  }
  if (isKind(d, "barmancloud.cnpg.io", "ObjectStore")) {
    secretSelectors(out, ns, at(d.doc, ["spec", "configuration"]), ["spec", "configuration"]);
  }
  if (isKind(d, "cert-manager.io", "Issuer") || isKind(d, "cert-manager.io", "ClusterIssuer")) {
    const issuerNs = d.doc.kind === "Issuer" ? ns : CERT_MANAGER_NAMESPACE;
    walkMaps(at(d.doc, ["spec", "acme", "solvers"]), ["spec", "acme", "solvers"], (map, p) => {
      for (const [k, v] of Object.entries(map)) {
        if (k.endsWith("SecretRef") && k !== "privateKeySecretRef")
          named(out, "Secret", issuerNs, v, "name", [...p, k]);
      }
    });
    named(out, "Secret", issuerNs, at(d.doc, ["spec", "ca"]), "secretName", ["spec", "ca"]);
  }
  return out;
}

/** True for what k3s makes in every namespace. */
function k3sDefault(ref: Reference): boolean {
  return (
    (ref.kind === "ServiceAccount" && ref.name === "default") ||
    (ref.kind === "ConfigMap" && ref.name === "kube-root-ca.crt")
  );
}

function fixFor(ref: Reference): string {
  const declare =
    `declare it made outside the lab with declareExternal(scope, { kind: "${ref.kind}", ` +
    `namespace: "${ref.namespace}", name: "${ref.name}", reason })`;
  switch (ref.kind) {
    case "Secret":
      return (
        `Keep it as a SOPS-encrypted file (EnvValue.fromSopsSecret records the Secrets a workload reads), use one an ` +
        `operator makes (CloudNativePG's <cluster>-app), or ${declare}.`
      );
    case "ConfigMap":
      return `Render the ConfigMap in the lab, or ${declare}.`;
    case "PersistentVolumeClaim":
      return `Give the workload persistent storage (it renders the claim), or ${declare}.`;
    case "ServiceAccount":
      return `Render the ServiceAccount in namespace ${ref.namespace}, use "default", or ${declare}.`;
  }
}

function run(ctx: CheckContext): Finding[] {
  const { objects, claimPrefixes } = existing(ctx);
  const findings: Finding[] = [];
  for (const d of documentIndex(ctx).ofKinds(...REFERRING_KINDS)) {
    for (const ref of references(d)) {
      if (objects.has(key(ref.kind, ref.namespace, ref.name)) || k3sDefault(ref)) continue;
      if (ref.kind === "PersistentVolumeClaim") {
        const claim = `${ref.namespace}/${ref.name}`;
        if ([...claimPrefixes].some((p) => claim.startsWith(p) && /^\d+$/.test(claim.slice(p.length)))) continue;
      }
      const prefix = `${ref.kind} ${ref.namespace}/`;
      const known = [...objects].filter((o) => o.startsWith(prefix)).map((o) => o.slice(prefix.length));
      findings.push(
        finding(
          ID,
          "error",
          d,
          ref.path,
          `${ref.kind} ${ref.namespace}/${ref.name} is read here but nothing makes it: the lab renders no such ` +
            `${ref.kind}${ref.kind === "Secret" ? ", no SOPS file holds it," : ""} and no operator the lab installs ` +
            "creates it",
          fixFor(ref) + didYouMean(ref.name, known),
        ),
      );
    }
  }
  return findings;
}

/** The check. */
export const objectReferences: Check = {
  id: ID,
  doc: "Every Secret, ConfigMap, PVC and ServiceAccount read is rendered, a SOPS file, operator-made, or declared.",
  severity: "error",
  skippable: false,
  run,
};
