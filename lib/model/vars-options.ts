/**
 * The shape of `vars.nix` as a choice of the spec (`nix.vars`), and the facts the model does not know that
 * the lab keeps there (`nix.facts`: `username`, `timezone`, SSH keys, ...).
 */
import { describeValue, type ProblemCollector, type SpecPath } from "./problems.js";

/**
 * A preset shape of `vars.nix`:
 * - `"default"`: this library's shape (`nodes.<hostname>` with `address`, `disk = { device; espSize; }`,
 *   `roles`, `firewall`, ...; `metallbPool` and `upstreamDns` as lists; `k3s`, `vpn`; `null` for what is unknown).
 * - `"nixlab"`: the attribute names and types nixlab-style flakes read: `nodes.<hostname>` with `hostname`,
 *   `master`, `tags`, `disk` (the device string) and `espSize`; `metallbPool` and `upstreamDns` as strings;
 *   `wireguardUsers.<name>` with `enabled`, `ip` and `publicKeySecret`; absent values left out, never `null`.
 */
export type VarsPreset = "default" | "nixlab";

/** The presets, in the order `import-vars` tries them. */
export const VARS_PRESETS: readonly VarsPreset[] = ["default", "nixlab"];

/** A value Nix reads from `vars.nix`: a string, an integer, a boolean, a list or an attribute set of them. */
export type NixData = string | number | boolean | readonly NixData[] | { readonly [name: string]: NixData };

/**
 * Facts the lab keeps in `vars.nix` that the model does not know, emitted as top-level attributes, e.g.
 * `{ username: "admin", timezone: "Europe/Berlin", sshKeys: ["ssh-ed25519 AAAA... admin"] }`.
 */
export interface VarsFacts {
  /**
   * The login user the lab's modules create.
   * @default undefined - not in vars.nix
   */
  readonly username?: string;
  /**
   * The hosts' time zone (`time.timeZone`), e.g. `"Europe/Berlin"`.
   * @default undefined - not in vars.nix
   */
  readonly timezone?: string;
  /**
   * SSH public keys allowed to log in (`users.users.<username>.openssh.authorizedKeys.keys`).
   * @default undefined - not in vars.nix
   */
  readonly sshKeys?: readonly string[];
  /** Any other fact, under its own name. */
  readonly [name: string]: NixData | undefined;
}

/** The top-level attributes each preset writes itself (facts may not take these names). */
export const PRESET_ATTRIBUTES: Readonly<Record<VarsPreset, readonly string[]>> = {
  default: ["name", "domain", "lan", "upstreamDns", "metallbPool", "k3s", "nodes", "vpn", "wireguardUsers"],
  nixlab: ["domain", "upstreamDns", "metallbPool", "nodes", "wireguardUsers"],
};

/** An attribute name Nix reads as `vars.<name>` without quotes. */
const NIX_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;

/** Validates `nix.vars` at `path`. */
export function validateVarsPreset(c: ProblemCollector, path: SpecPath, value: unknown): VarsPreset {
  if (value === undefined) return "default";
  if (typeof value === "string" && (VARS_PRESETS as readonly string[]).includes(value)) return value as VarsPreset;
  c.error(
    path,
    `must be one of ${VARS_PRESETS.map((p) => `"${p}"`).join(", ")}, got ${describeValue(value)}`,
    'Use "nixlab" for a nixlab-style flake, or pass a `vars` mapping function to the lab definition for any other shape.',
  );
  return "default";
}

/**
 * Validates `nix.facts` at `path`: attribute names Nix reads without quotes, values of {@link NixData}
 * (no `null`, no fractions), none named like an attribute the preset or a reservation (`<name>Ip`) writes.
 */
export function validateVarsFacts(
  c: ProblemCollector,
  path: SpecPath,
  value: unknown,
  taken: ReadonlySet<string>,
): Readonly<Record<string, NixData>> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    c.error(path, `must be an object of facts, got ${describeValue(value)}`, 'Write e.g. { username: "admin" }.');
    return {};
  }
  const facts: Record<string, NixData> = {};
  for (const [name, v] of Object.entries(value)) {
    const at = [...path, name];
    if (!NIX_IDENTIFIER.test(name)) {
      c.error(
        at,
        `"${name}" is not a Nix attribute name`,
        "Use letters, digits, `_`, `-` and `'`, starting with a letter.",
      );
      continue;
    }
    if (taken.has(name)) {
      c.error(
        at,
        `vars.nix already has "${name}" (written from the model)`,
        "Rename the fact, or change the model's value instead of repeating it here.",
      );
      continue;
    }
    if (v === undefined) continue;
    if (nixData(c, at, v)) facts[name] = v as NixData;
  }
  return facts;
}

function nixData(c: ProblemCollector, path: SpecPath, v: unknown): boolean {
  if (typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") {
    if (Number.isSafeInteger(v)) return true;
    c.error(
      path,
      `${describeValue(v)} is not a whole number`,
      'Give a whole number, or the value as a string ("1.5").',
    );
    return false;
  }
  if (Array.isArray(v)) return v.every((e, i) => nixData(c, [...path, i], e));
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.entries(v).every(([k, e]) => nixData(c, [...path, k], e));
  }
  c.error(
    path,
    `${describeValue(v)} cannot go into vars.nix`,
    "Give a string, a whole number, a boolean, a list or an object of them (leave a fact out instead of null).",
  );
  return false;
}
