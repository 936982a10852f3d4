/**
 * The lab's NFS service (`nfs` of the spec): which host serves it and which standbys it replicates to, so the
 * role modules (`nfs-services-server`, `nfs-services-standby`) read one relation from `vars.nix` (`vars.nfs`)
 * instead of each host repeating the other's name.
 */
import { hasClusterFunction } from "./roles.js";
import type { ClusterFunction } from "./spec.js";
import { describeValue, type ProblemCollector, type SpecPath } from "./problems.js";

/** The NFS server and the standbys it replicates to. */
export interface NfsSpec {
  /** Hostname of the NFS server; it must have a role whose `cluster` is `"storage-server"` (`nfs-services-server`). */
  readonly server: string;
  /**
   * Hostnames of the standbys the server replicates to; each must have a role whose `cluster` is
   * `"storage-standby"` (`nfs-services-standby`).
   * @default [] - no standby: nothing is replicated
   */
  readonly standbys?: readonly string[];
  /**
   * How often the server sends its data to the standbys, as a systemd time span the role module can give a
   * timer (`OnUnitActiveSec`): a whole number with `s`, `m` or `h`, e.g. `"5m"`.
   * @default "5m"
   */
  readonly interval?: string;
}

/** The validated NFS relation, defaults filled in. */
export interface Nfs {
  readonly server: string;
  readonly standbys: readonly string[];
  readonly interval: string;
}

/** What {@link validateNfs} needs of a validated host. */
interface HostLike {
  readonly hostname: string;
  readonly roles: readonly { readonly cluster: ClusterFunction }[];
}

const INTERVAL = /^[1-9][0-9]*(s|m|h)$/;

/**
 * Validates `nfs` at `path` against the validated `hosts`. `complete` is false when some host or role was
 * refused, so that a host that is missing for that reason is not reported again.
 */
export function validateNfs(
  c: ProblemCollector,
  path: SpecPath,
  value: unknown,
  hosts: readonly HostLike[],
  complete: boolean,
): Nfs | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    c.error(
      path,
      `must be an object, got ${describeValue(value)}`,
      'Write it as { server: "zippy", standbys: ["c1"] }.',
    );
    return undefined;
  }
  const n = value as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(n)) {
    if (key !== "server" && key !== "standbys" && key !== "interval") {
      c.error([...path, key], "is not a field of nfs", "Remove it; the fields are server, standbys, interval.");
      ok = false;
    }
  }
  const known = hosts.map((h) => h.hostname);
  const hostAt = (at: SpecPath, name: unknown, fn: ClusterFunction, role: string): string | undefined => {
    if (typeof name !== "string" || name === "") {
      c.error(at, `must be a hostname, got ${describeValue(name)}`, `Name one of the hosts: ${known.join(", ")}.`);
      return undefined;
    }
    const host = hosts.find((h) => h.hostname === name);
    if (host === undefined) {
      if (complete) {
        c.error(at, `"${name}" is not a host of the lab`, `Name one of the hosts: ${known.join(", ") || "none"}.`);
      }
      return undefined;
    }
    if (!hasClusterFunction(host, fn)) {
      // A host whose role was refused lost it for that reason: not a second problem.
      if (!complete) return undefined;
      c.error(
        at,
        `host "${name}" has no ${fn} role`,
        `Add "${role}" to the roles of host "${name}" (or a role of yours with cluster: "${fn}").`,
      );
      return undefined;
    }
    return name;
  };
  if (n.server === undefined) {
    c.error(
      [...path, "server"],
      "is missing; nfs needs it",
      'Add server: the hostname of the NFS server, e.g. "zippy".',
    );
    ok = false;
  }
  const server =
    n.server === undefined ? undefined : hostAt([...path, "server"], n.server, "storage-server", "nfs-services-server");
  if (server === undefined) ok = false;
  const standbys: string[] = [];
  if (n.standbys !== undefined && !Array.isArray(n.standbys)) {
    c.error(
      [...path, "standbys"],
      `must be a list of hostnames, got ${describeValue(n.standbys)}`,
      'Write e.g. ["c1"].',
    );
    ok = false;
  } else {
    ((n.standbys as unknown[] | undefined) ?? []).forEach((s, i) => {
      const at = [...path, "standbys", i];
      if (typeof s === "string" && s === n.server) {
        c.error(at, `"${s}" is the server itself`, "A standby must be another host; remove it from standbys.");
        ok = false;
        return;
      }
      if (typeof s === "string" && standbys.includes(s)) {
        c.error(at, `"${s}" is listed twice`, "Remove the repeated hostname.");
        ok = false;
        return;
      }
      const name = hostAt(at, s, "storage-standby", "nfs-services-standby");
      if (name === undefined) ok = false;
      else standbys.push(name);
    });
  }
  let interval = "5m";
  if (n.interval !== undefined) {
    if (typeof n.interval === "string" && INTERVAL.test(n.interval)) {
      interval = n.interval;
    } else {
      c.error(
        [...path, "interval"],
        `must be a time span, got ${describeValue(n.interval)}`,
        'Write a whole number with s, m or h, e.g. "5m".',
      );
      ok = false;
    }
  }
  return ok && server !== undefined ? { server, standbys, interval } : undefined;
}
