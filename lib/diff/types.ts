/**
 * What `diffLab` returns: plain, JSON-serializable data (for `diff --json`), in a stable
 * order, so the same two trees always give the same diff.
 */
import type { JsonValue } from "./nix-parse.js";

export type { JsonValue } from "./nix-parse.js";

/**
 * One field that differs, by its path in the document: `spec.chart.spec.version`,
 * `metadata.annotations["metallb.io/loadBalancerIPs"]`, `spec.containers[name=app].image`,
 * `spec.rules[0].host`. `before` is absent for an added field, `after` for a removed one.
 */
export interface FieldChange {
  readonly path: string;
  readonly before?: JsonValue;
  readonly after?: JsonValue;
}

/**
 * A Kubernetes resource that differs. Resources are identified by API group, kind, namespace
 * and name (not by version or file): a resource whose file changed is `moved`, not removed
 * and added. Documents without a name (kustomize's `kustomization.yaml`) are named by their file.
 */
export interface ResourceChange {
  readonly change: "added" | "removed" | "changed" | "moved";
  /** The apiVersion after the change (before it, for a removed resource). */
  readonly apiVersion: string;
  readonly kind: string;
  /** The namespace, or "" for a cluster-scoped resource. */
  readonly namespace: string;
  readonly name: string;
  /** The file that holds it after the change (that held it, for a removed resource). */
  readonly file: string;
  /** For a moved resource: the file that held it before. */
  readonly fromFile?: string;
  /** Field changes of a changed or moved resource; empty for added and removed ones. */
  readonly fields: readonly FieldChange[];
}

/** What a host is in the k3s cluster, from `k3s.servers` / `k3s.agents` in vars.nix. */
export type K3sRole = "server" | "agent" | "none";

/** A host whose Nix files or vars.nix entry differ. */
export interface HostChange {
  readonly hostname: string;
  readonly change: "added" | "removed" | "changed";
  /** The host's address (its address before, for a removed host); "" when vars.nix does not say. */
  readonly address: string;
  /** The host's roles (before, for a removed host). */
  readonly roles: readonly string[];
  /** Present when the host's k3s role differs. */
  readonly k3s?: { readonly before: K3sRole; readonly after: K3sRole };
  /** The `imports` of the host's Nix files, when they differ (paths as written there). */
  readonly imports?: { readonly before: readonly string[]; readonly after: readonly string[] };
  /** Firewall openings like `tcp 6443` or `tcp 2379-2380`, opened and closed. */
  readonly firewall: { readonly opened: readonly string[]; readonly closed: readonly string[] };
  /** Other changes in the host's `nodes.<hostname>` entry of vars.nix (paths relative to it). */
  readonly fields: readonly FieldChange[];
}

/** The Nix side of a diff. */
export interface NixDiff {
  /** Lab-wide vars.nix changes: domain, LAN, pool, `<name>Ip` reservations, VPN, users, ... */
  readonly lab: readonly FieldChange[];
  readonly hosts: readonly HostChange[];
}

/** Kinds of change that can lose data or break clients. */
export type DangerKind = "data-loss" | "load-balancer-moved" | "k3s-server-removed" | "cluster-init-moved";

/** A change worth a second look before it is committed. */
export interface DangerWarning {
  readonly kind: DangerKind;
  /** What it is about, e.g. `PersistentVolumeClaim nextcloud/nextcloud-data` or `ingressIp`. */
  readonly subject: string;
  /** What happens and what to do. */
  readonly message: string;
}

/** A note on a file: one that could not be read, or whose text changed with no effect on resources. */
export interface FileNote {
  readonly file: string;
  readonly note: string;
}

/** The difference between two generated trees. */
export interface LabDiff {
  /** Every file whose text differs, by project-relative path. */
  readonly files: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly changed: readonly string[];
  };
  readonly kubernetes: readonly ResourceChange[];
  readonly nix: NixDiff;
  readonly warnings: readonly DangerWarning[];
  readonly notes: readonly FileNote[];
}
