/**
 * Distributed Nix builds (`nix.buildMachines` of the spec): which hosts build for the others. `vars.nix`
 * gets `buildMachines`, a list in the shape of NixOS's `nix.buildMachines` option, derived from the hosts'
 * systems (`architecture`) and cores (`hardware.cores`), so a role module can write
 * `nix.buildMachines = vars.buildMachines;`.
 */
import { describeValue, type ProblemCollector, type SpecPath } from "./problems.js";

/** Opt-in: the hosts that take builds for the others, and how Nix reaches them. */
export interface BuildMachinesSpec {
  /**
   * Hostnames of the build machines.
   * @default every host of the lab
   */
  readonly hosts?: readonly string[];
  /**
   * User Nix logs in as over SSH on a build machine.
   * @default "root"
   */
  readonly sshUser?: string;
  /**
   * Path, on the host that sends builds, of the SSH private key for `sshUser`.
   * @default "/root/.ssh/id_ed25519" - root's key, which nix-daemon uses
   */
  readonly sshKey?: string;
  /**
   * How much faster than the others a machine is (Nix prefers faster ones); the same for every machine.
   * @default 1
   */
  readonly speedFactor?: number;
  /**
   * System features the machines support, e.g. `["big-parallel"]`.
   * @default [] - NixOS's default
   */
  readonly supportedFeatures?: readonly string[];
}

/** The validated build-machine options, defaults filled in. */
export interface BuildMachines {
  /** Hostnames of the build machines, in the spec's order. */
  readonly hosts: readonly string[];
  readonly sshUser: string;
  readonly sshKey: string;
  readonly speedFactor: number;
  readonly supportedFeatures: readonly string[];
}

const FIELDS = ["hosts", "sshUser", "sshKey", "speedFactor", "supportedFeatures"];

/** Validates `nix.buildMachines` at `path`; `hostnames` are the lab's hosts (all, when `complete`). */
export function validateBuildMachines(
  c: ProblemCollector,
  path: SpecPath,
  value: unknown,
  hostnames: readonly string[],
  complete: boolean,
): BuildMachines | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    c.error(
      path,
      `must be an object, got ${describeValue(value)}`,
      'Write it as { sshUser: "root" }, or { } for the defaults.',
    );
    return undefined;
  }
  const b = value as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(b)) {
    if (!FIELDS.includes(key)) {
      c.error([...path, key], "is not a field of nix.buildMachines", `Remove it; the fields are ${FIELDS.join(", ")}.`);
      ok = false;
    }
  }
  let hosts = [...hostnames];
  if (b.hosts !== undefined) {
    if (!Array.isArray(b.hosts) || b.hosts.length === 0) {
      c.error(
        [...path, "hosts"],
        `must be a non-empty list of hostnames, got ${describeValue(b.hosts)}`,
        "List the build machines, or leave hosts out to use every host.",
      );
      ok = false;
    } else {
      hosts = [];
      b.hosts.forEach((h, i) => {
        const at = [...path, "hosts", i];
        if (typeof h !== "string" || !hostnames.includes(h)) {
          if (typeof h !== "string" || complete) {
            c.error(
              at,
              `${describeValue(h)} is not a host of the lab`,
              `Name one of the hosts: ${hostnames.join(", ")}.`,
            );
          }
          ok = false;
        } else if (hosts.includes(h)) {
          c.error(at, `"${h}" is listed twice`, "Remove the repeated hostname.");
          ok = false;
        } else {
          hosts.push(h);
        }
      });
    }
  }
  const text = (key: string, fallback: string, fix: string): string => {
    const v = b[key];
    if (v === undefined) return fallback;
    if (typeof v === "string" && v !== "" && !/\s/.test(v)) return v;
    c.error([...path, key], `must be a non-empty string without spaces, got ${describeValue(v)}`, fix);
    ok = false;
    return fallback;
  };
  const sshUser = text("sshUser", "root", 'Give a user name, e.g. "root" or "nixremote".');
  const sshKey = text("sshKey", "/root/.ssh/id_ed25519", 'Give the key\'s path, e.g. "/root/.ssh/id_ed25519".');
  let speedFactor = 1;
  if (b.speedFactor !== undefined) {
    const s = b.speedFactor;
    if (typeof s === "number" && Number.isInteger(s) && s >= 1 && s <= 1000) speedFactor = s;
    else {
      c.error([...path, "speedFactor"], `must be a whole number from 1, got ${describeValue(s)}`, "Use e.g. 1 or 2.");
      ok = false;
    }
  }
  const supportedFeatures: string[] = [];
  if (b.supportedFeatures !== undefined) {
    if (!Array.isArray(b.supportedFeatures)) {
      c.error(
        [...path, "supportedFeatures"],
        `must be a list of feature names, got ${describeValue(b.supportedFeatures)}`,
        'Write e.g. ["big-parallel"].',
      );
      ok = false;
    } else {
      b.supportedFeatures.forEach((f, i) => {
        if (typeof f === "string" && /^[a-z0-9][a-z0-9-]*$/.test(f)) {
          if (!supportedFeatures.includes(f)) supportedFeatures.push(f);
        } else {
          c.error(
            [...path, "supportedFeatures", i],
            `${describeValue(f)} is not a Nix system feature`,
            'Use lowercase names like "big-parallel", "kvm" or "nixos-test".',
          );
          ok = false;
        }
      });
    }
  }
  return ok ? { hosts, sshUser, sshKey, speedFactor, supportedFeatures } : undefined;
}
