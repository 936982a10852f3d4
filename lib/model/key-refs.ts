/**
 * Where a VPN user's public key is kept when it is not written in the spec: a sops-nix key (any
 * SOPS key name, e.g. `alice_wg_public_key`) or a Kubernetes Secret. The Kubernetes side needs a
 * Secret either way; for a SOPS key it derives a valid Secret name ({@link secretNameOfSopsKey}).
 */
import { DNS_SUBDOMAIN_MAX_LENGTH, isRfc1123Subdomain } from "./names.js";
import { describeValue, formatPath, type ProblemCollector, type SpecPath } from "./problems.js";

/**
 * A key reference written as an object: the name of a sops-nix secret (`{ sops: "alice_wg_public_key" }`),
 * or of a Kubernetes Secret (`{ kubernetes: "alice-wg" }`, the same as the plain string).
 */
export type KeyRefSpec = { readonly sops: string } | { readonly kubernetes: string };

/** A key reference after validation. */
export interface KeyRef {
  /** Where the key is named: in sops-nix (`sops.secrets.<name>`) or as a Kubernetes Secret. */
  readonly kind: "sops" | "kubernetes";
  /** The name as written: the SOPS key or the Secret name. */
  readonly name: string;
  /** The Kubernetes Secret that holds the key (`name` itself, or derived from the SOPS key). */
  readonly secretName: string;
}

/** A SOPS key name: anything printable without white space (sops-nix takes any YAML key; `/` nests). */
const SOPS_KEY = /^[^\s\p{Cc}]+$/u;

/**
 * The Kubernetes Secret name for the SOPS key `key`: lowercase, every run of characters other than
 * `a-z` and `0-9` turned into one `-`, no `-` at either end (`alice_wg_public_key` becomes
 * `alice-wg-public-key`, `wireguard/Alice` becomes `wireguard-alice`). Deterministic; undefined when
 * nothing is left or the name is too long.
 */
export function secretNameOfSopsKey(key: string): string | undefined {
  const name = key
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return name === "" || name.length > DNS_SUBDOMAIN_MAX_LENGTH ? undefined : name;
}

/**
 * Validates a key reference at `path`: a Kubernetes Secret name (a string or `{ kubernetes }`) or a SOPS
 * key (`{ sops }`). Records errors on `c`; undefined when it is not valid.
 */
export function validateKeyRef(c: ProblemCollector, path: SpecPath, value: unknown): KeyRef | undefined {
  if (typeof value === "string") return kubernetesRef(c, path, value);
  const keys = value !== null && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : [];
  if (keys.length !== 1 || (keys[0] !== "sops" && keys[0] !== "kubernetes")) {
    c.error(
      path,
      `must be a Secret name or { sops: "<key>" } or { kubernetes: "<Secret name>" }, got ${describeValue(value)}`,
      'Write { sops: "alice_wg_public_key" } for a sops-nix key, or the Kubernetes Secret\'s name.',
    );
    return undefined;
  }
  const kind = keys[0] as "sops" | "kubernetes";
  const name = (value as Record<string, unknown>)[kind];
  const at = [...path, kind];
  if (typeof name !== "string") {
    c.error(at, `must be a string, got ${describeValue(name)}`, "Give the name as a string.");
    return undefined;
  }
  if (kind === "kubernetes") return kubernetesRef(c, at, name);
  if (!SOPS_KEY.test(name)) {
    c.error(at, `${describeValue(name)} is not a SOPS key name`, "Give the key as sops-nix names it, without spaces.");
    return undefined;
  }
  const secretName = secretNameOfSopsKey(name);
  if (secretName === undefined) {
    c.error(
      at,
      `${describeValue(name)} gives no Kubernetes Secret name (it needs a letter or digit, at most 253 in all)`,
      'Name the Secret yourself: { kubernetes: "<Secret name>" }.',
    );
    return undefined;
  }
  return { kind: "sops", name, secretName };
}

function kubernetesRef(c: ProblemCollector, path: SpecPath, name: string): KeyRef | undefined {
  if (isRfc1123Subdomain(name)) return { kind: "kubernetes", name, secretName: name };
  const derived = SOPS_KEY.test(name) ? secretNameOfSopsKey(name) : undefined;
  c.error(
    path,
    `${describeValue(name)} is not a Kubernetes Secret name`,
    derived === undefined
      ? 'Use lowercase letters, digits, "-" and ".".'
      : `If it is a sops-nix key, say so: { sops: ${JSON.stringify(name)} } (its Secret is "${derived}"); ` +
          'a Kubernetes Secret name takes lowercase letters, digits, "-" and ".".',
  );
  return undefined;
}

/**
 * Records an error for each reference whose Secret name another reference of a different name already
 * has (two SOPS keys that derive the same Secret, or a SOPS key deriving another user's Secret name).
 */
export function keyRefCollisions(
  c: ProblemCollector,
  refs: readonly { readonly path: SpecPath; readonly ref: KeyRef }[],
): void {
  const seen = new Map<string, { readonly path: SpecPath; readonly ref: KeyRef }>();
  for (const r of refs) {
    const prev = seen.get(r.ref.secretName);
    if (prev === undefined) {
      seen.set(r.ref.secretName, r);
      continue;
    }
    if (prev.ref.kind === r.ref.kind && prev.ref.name === r.ref.name) continue;
    c.error(
      r.path,
      `${r.ref.kind} key ${JSON.stringify(r.ref.name)} needs the Kubernetes Secret "${r.ref.secretName}", ` +
        `which ${formatPath(prev.path)} (${prev.ref.kind} ${JSON.stringify(prev.ref.name)}) already names`,
      'Rename one of the keys, or name the Secret yourself with { kubernetes: "<Secret name>" }.',
    );
  }
}
