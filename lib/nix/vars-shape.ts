/**
 * The shape of `vars.nix`: the presets (`nix.vars` of the spec) and the mapping function a lab definition
 * may give for any other shape. Pure: the model in, plain data out.
 */
import type { Homelab, Host, VpnUser } from "../model/homelab.js";
import type { IpRange } from "../model/ip.js";
import { compareStrings } from "../model/order.js";
import type { NixData, VarsPreset } from "../model/vars-options.js";
import { seedVars } from "./seed-vars.js";

/** The value of `vars.nix` as plain data (what `nix-instantiate --eval --strict --json` gives back). */
export type VarsValue = Readonly<Record<string, unknown>>;

/**
 * A `vars.nix` shape of your own: gets the model and the value of the spec's preset (`nix.vars`, facts
 * included) and returns the attribute set to write. Use it when a flake's modules read names no preset
 * has, e.g. `(lab, vars) => ({ ...vars, clusterDomain: lab.domain })`. Values are strings, whole numbers,
 * booleans, `null`, lists and objects of them.
 */
export type VarsMapping = (homelab: Homelab, preset: VarsValue) => Readonly<Record<string, unknown>>;

/** Hosts sorted by hostname: the order of `nodes` in every preset. */
export function sortedHosts(homelab: Homelab): Host[] {
  return [...homelab.hosts].sort((a, b) => compareStrings(a.hostname, b.hostname));
}

/** VPN users sorted by name. */
export function sortedUsers(homelab: Homelab): VpnUser[] {
  return [...(homelab.vpn?.users ?? [])].sort((a, b) => compareStrings(a.name, b.name));
}

/** `<name>Ip` for each load-balancer reservation, sorted by name (both presets write these). */
export function reservationAttributes(homelab: Homelab): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...homelab.loadBalancerIps.keys()].sort()) {
    out[`${name}Ip`] = homelab.loadBalancerIps.get(name)!.toString();
  }
  return out;
}

/** `range` as a CIDR block when it is one (`192.168.1.192/26`), else as `first-last`. */
export function rangeText(range: IpRange): string {
  const size = range.size;
  const bits = Math.log2(size);
  if (Number.isInteger(bits) && range.first.value % size === 0) return `${range.first.toString()}/${32 - bits}`;
  return range.toString();
}

/**
 * The `nixlab` preset: the attributes nixlab-style flakes read, with their types. Nothing is `null`: what
 * the model does not know is left out.
 * - `domain`; `metallbPool` as one string (a CIDR block or `first-last`; a list when the pool has several
 *   ranges); `<name>Ip` per reservation; `upstreamDns` as one string (resolvers joined by `;`, as Pi-hole
 *   takes them);
 * - `nodes.<hostname>`: `hostname`, `address` (when known), `master` (the k3s cluster-init server),
 *   `tags`, `disk` (the system disk's device) and `espSize` (when the host has a disk);
 * - `wireguardUsers.<name>`: `enabled`, `ip` (the tunnel address) and `publicKeySecret` (the key's name,
 *   a sops-nix key for `{ sops }`) or `publicKey`.
 */
export function nixlabVars(homelab: Homelab): Record<string, unknown> {
  const pool = homelab.metallbPool.map(rangeText);
  return {
    domain: homelab.domain,
    metallbPool: pool.length === 1 ? pool[0] : pool,
    ...reservationAttributes(homelab),
    upstreamDns: homelab.upstreamDns.map(String).join(";"),
    nodes: Object.fromEntries(sortedHosts(homelab).map((h) => [h.hostname, nixlabNode(h)])),
    wireguardUsers: Object.fromEntries(sortedUsers(homelab).map((u) => [u.name, nixlabUser(u)])),
  };
}

function nixlabNode(h: Host): Record<string, unknown> {
  const address = (h as { readonly address?: { toString(): string } }).address;
  return {
    hostname: h.hostname,
    ...(address === undefined ? {} : { address: address.toString() }),
    master: h.clusterInit,
    tags: [...h.tags],
    ...(h.disk === undefined ? {} : { disk: h.disk.device, espSize: h.disk.espSize }),
  };
}

function nixlabUser(u: VpnUser): Record<string, unknown> {
  return {
    enabled: u.enabled,
    ip: u.address.toString(),
    ...(u.publicKeyRef === undefined ? {} : { publicKeySecret: u.publicKeyRef.name }),
    ...(u.publicKey === undefined ? {} : { publicKey: u.publicKey }),
  };
}

/** The preset's value with the spec's facts after it. */
export function presetVars(
  homelab: Homelab,
  preset: VarsPreset,
  defaultVars: (homelab: Homelab) => Record<string, unknown>,
): Record<string, unknown> {
  const base = preset === "nixlab" ? nixlabVars(homelab) : defaultVars(homelab);
  return { ...base, ...seedVars(homelab), ...(homelab.nix.facts as Record<string, NixData>) };
}

/** Thrown when a `vars` mapping function returns something Nix cannot hold; synth prints it as a user error. */
export class VarsMappingError extends Error {
  constructor(
    readonly where: string,
    problem: string,
  ) {
    super(
      `the lab definition's vars mapping returned ${problem} at ${where}; ` +
        "return strings, whole numbers, booleans, null, lists and objects of them (leave a value out instead of undefined)",
    );
    this.name = "VarsMappingError";
  }
}

/** Checks what a mapping function returned: plain JSON-like data. */
export function checkMappedVars(value: unknown, where = "vars"): asserts value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new VarsMappingError(where, "something other than an object");
  }
  const walk = (v: unknown, at: string): void => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return;
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) throw new VarsMappingError(at, `the number ${v} (not a whole number)`);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((e, i) => walk(e, `${at}[${i}]`));
      return;
    }
    if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, e] of Object.entries(v)) walk(e, `${at}.${k}`);
      return;
    }
    throw new VarsMappingError(at, v === undefined ? "undefined" : `a ${typeof v}`);
  };
  walk(value, where);
}
