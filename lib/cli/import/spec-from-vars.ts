/**
 * From the evaluated value of an existing `vars.nix` (`nix-instantiate --eval --strict --json`) to a lab spec
 * whose `vars.nix` reproduces it: picks the preset whose shape the file has, maps what it can, and notes what it
 * could not map or had to guess. Pure: data in, data out.
 */
import type { HomelabSpec, HostSpec, VpnUserSpec } from "../../model/spec.js";
import { Cidr, Ip, IpRange } from "../../model/ip.js";
import type { NixData, VarsPreset } from "../../model/vars-options.js";

/** The Flux repository URL an imported lab starts with: `.invalid` (RFC 2606), so synth warns until it is replaced. */
export const PLACEHOLDER_FLUX_URL = "ssh://git@replace-me.invalid/you/homelab";
/** The ACME e-mail an imported lab starts with (synth warns until it is replaced). */
export const PLACEHOLDER_ACME_EMAIL = "replace-me@example.invalid";

/** A value of the file that does not fit (wrong type, unknown shape): importing stops, nothing is written. */
export class ImportVarsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ImportVarsError";
  }
}

/** What the importer made of the file. */
export interface ImportedVars {
  /** The preset that reproduces the file. */
  readonly preset: VarsPreset;
  /** The lab spec. */
  readonly spec: HomelabSpec;
  /** Comments for the spec module: what was guessed, what could not be mapped, what is a placeholder. */
  readonly notes: readonly string[];
  /** The reservation the ingress controller takes, when the file has one. */
  readonly ingressReservation: string | undefined;
  /** Whether the file reserves an address for Pi-hole (`piholeIp`). */
  readonly pihole: boolean;
  /** Whether the file reserves an address for WireGuard (`wireguardIp`) and has users. */
  readonly wireguard: boolean;
  /** The evaluated file, as JSON data. */
  readonly original: Readonly<Record<string, unknown>>;
}

type Attrs = Record<string, unknown>;
const isAttrs = (v: unknown): v is Attrs => v !== null && typeof v === "object" && !Array.isArray(v);

/** The top-level attributes the nixlab preset writes itself (everything else is a fact). */
const NIXLAB_OWN = new Set(["domain", "metallbPool", "upstreamDns", "nodes", "wireguardUsers"]);

/**
 * Maps the value of a nixlab-style `vars.nix` to a spec with `nix.vars: "nixlab"`.
 * @throws ImportVarsError listing every attribute of the wrong type (by its path in vars.nix)
 */
export function specFromVars(value: unknown, name: string): ImportedVars {
  const problems: string[] = [];
  const notes: string[] = [];
  const wrong = (at: string, want: string, got: unknown) =>
    problems.push(`vars.${at} must be ${want}, got ${JSON.stringify(got) ?? String(got)}`);
  if (!isAttrs(value)) throw new ImportVarsError([`vars.nix must evaluate to an attribute set, got ${typeof value}`]);
  if (isAttrs(value.lan) && isAttrs(value.k3s)) {
    throw new ImportVarsError([
      "this vars.nix has cdk8s-homelab's default shape (lan, k3s): it was generated from a lab spec; " +
        "take that spec instead of importing its output",
    ]);
  }

  if (typeof value.domain !== "string") wrong("domain", "a string", value.domain);
  const domain = typeof value.domain === "string" ? value.domain : "";
  // The pool: a CIDR block or a range string, or a list of them.
  const poolRaw = value.metallbPool;
  const pool = typeof poolRaw === "string" ? [poolRaw] : Array.isArray(poolRaw) ? poolRaw : undefined;
  if (pool === undefined || pool.length === 0 || !pool.every((p) => typeof p === "string" && rangeOf(p))) {
    wrong("metallbPool", 'a CIDR block or range string ("192.168.1.192/26")', poolRaw);
  }
  const reservations: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    const m = /^(.+)Ip$/.exec(k);
    if (m === null) continue;
    if (typeof v !== "string" || !ipOf(v)) wrong(k, "an IPv4 address string", v);
    else reservations[m[1]!] = v;
  }
  const dns = value.upstreamDns;
  const upstreamDns = typeof dns === "string" ? dns.split(";").filter((d) => d !== "") : undefined;
  if (dns !== undefined && (upstreamDns === undefined || !upstreamDns.every(ipOf))) {
    wrong("upstreamDns", 'a string of resolver addresses ("1.1.1.1" or "1.1.1.1;9.9.9.9")', dns);
  }

  const hosts: HostSpec[] = [];
  if (!isAttrs(value.nodes)) wrong("nodes", "an attribute set of nodes", value.nodes);
  else {
    for (const [key, n] of Object.entries(value.nodes)) {
      const host = hostOf(key, n, wrong, notes);
      if (host !== undefined) hosts.push(host);
    }
    if (hosts.length > 0 && !hosts.some((h) => h.clusterInit === true)) {
      notes.push("no node has master = true: every node became a k3s agent; give the cluster-init server k3s-server");
    }
  }

  const users: VpnUserSpec[] = [];
  const wg = value.wireguardUsers ?? {};
  if (!isAttrs(wg)) wrong("wireguardUsers", "an attribute set of users", wg);
  else
    for (const [user, u] of Object.entries(wg)) {
      const spec = userOf(user, u, wrong, notes);
      if (spec !== undefined) users.push(spec);
    }

  const facts: Record<string, NixData> = {};
  for (const [k, v] of Object.entries(value)) {
    if (NIXLAB_OWN.has(k) || /^.+Ip$/.test(k)) continue;
    if (isNixData(v)) facts[k] = v;
    else notes.push(`vars.${k} is not kept: it holds null or a fraction, which a fact cannot (add it by hand)`);
  }
  if (problems.length > 0) throw new ImportVarsError(problems);

  // What vars.nix does not hold: the LAN and the VPN subnet are guessed; Flux and ACME are placeholders.
  const lan = slash24(IpRange.of(pool![0] as string).first.toString());
  notes.push(
    `network.lan and network.gateway are guessed from the pool (${lan.toString()}, its first address): check them`,
  );
  const subnet = users.length === 0 ? undefined : slash24(users[0]!.address);
  if (subnet !== undefined)
    notes.push(`vpn.subnet is guessed from the users' addresses (${subnet.toString()}): check it`);
  notes.push(
    "kubernetes.flux.url and kubernetes.certificates.acmeEmail are placeholders (vars.nix does not hold them): " +
      "synth warns until you replace them",
  );

  const spec: HomelabSpec = {
    name,
    network: {
      domain,
      lan: lan.toString(),
      gateway: lan.network.plus(1).toString(),
      ...(upstreamDns === undefined ? {} : { upstreamDns }),
      metallbPool: pool!.length === 1 ? (pool![0] as string) : (pool as string[]),
      loadBalancerIps: reservations,
    },
    hosts,
    ...(subnet === undefined ? {} : { vpn: { subnet: subnet.toString(), users } }),
    nix: { vars: "nixlab", ...(Object.keys(facts).length > 0 ? { facts } : {}) },
    kubernetes: {
      flux: { url: PLACEHOLDER_FLUX_URL },
      certificates: { acmeEmail: PLACEHOLDER_ACME_EMAIL },
    },
  };
  const ingressReservation = ["ingress", "nginx", "traefik"].find((r) => r in reservations);
  return {
    preset: "nixlab",
    spec,
    notes,
    ingressReservation,
    pihole: "pihole" in reservations,
    wireguard: "wireguard" in reservations && users.length > 0,
    original: value,
  };
}

type Wrong = (at: string, want: string, got: unknown) => void;

function hostOf(key: string, n: unknown, wrong: Wrong, notes: string[]): HostSpec | undefined {
  const at = `nodes.${key}`;
  if (!isAttrs(n)) return void wrong(at, "an attribute set", n);
  const hostname = n.hostname ?? key;
  if (typeof hostname !== "string") return void wrong(`${at}.hostname`, "a string", hostname);
  if (hostname !== key)
    notes.push(`${at}: the node's key differs from its hostname "${hostname}"; it is keyed by hostname now`);
  if (n.master !== undefined && typeof n.master !== "boolean") wrong(`${at}.master`, "a boolean", n.master);
  const tags = n.tags ?? [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string")) wrong(`${at}.tags`, "a list of strings", tags);
  if (n.address !== undefined && (typeof n.address !== "string" || !ipOf(n.address))) {
    wrong(`${at}.address`, "an IPv4 address string", n.address);
  }
  if (n.disk !== undefined && typeof n.disk !== "string") wrong(`${at}.disk`, 'a device string ("/dev/sda")', n.disk);
  if (n.espSize !== undefined && typeof n.espSize !== "string")
    wrong(`${at}.espSize`, 'a size string ("500M")', n.espSize);
  for (const k of Object.keys(n)) {
    if (!["hostname", "master", "tags", "address", "disk", "espSize"].includes(k)) {
      notes.push(`vars.${at}.${k} is not kept: the nixlab preset has no such node attribute (use a vars mapping)`);
    }
  }
  const master = n.master === true;
  return {
    hostname,
    ...(typeof n.address === "string" ? { address: n.address } : { addressing: "dhcp" as const }),
    ...(typeof n.disk === "string"
      ? { disk: { device: n.disk, ...(typeof n.espSize === "string" ? { espSize: n.espSize } : {}) } }
      : {}),
    tags: Array.isArray(tags) ? (tags as string[]) : [],
    roles: ["minimal-node", master ? "k3s-server" : "k3s-agent"],
    ...(master ? { clusterInit: true } : {}),
  };
}

function userOf(name: string, u: unknown, wrong: Wrong, notes: string[]): VpnUserSpec | undefined {
  const at = `wireguardUsers.${name}`;
  if (!isAttrs(u)) return void wrong(at, "an attribute set", u);
  if (typeof u.ip !== "string" || !ipOf(u.ip)) return void wrong(`${at}.ip`, "an IPv4 address string", u.ip);
  if (u.enabled !== undefined && typeof u.enabled !== "boolean") wrong(`${at}.enabled`, "a boolean", u.enabled);
  if (u.publicKeySecret !== undefined && typeof u.publicKeySecret !== "string") {
    wrong(`${at}.publicKeySecret`, "a string", u.publicKeySecret);
  }
  if (u.publicKey !== undefined && typeof u.publicKey !== "string") wrong(`${at}.publicKey`, "a string", u.publicKey);
  for (const k of Object.keys(u)) {
    if (!["ip", "enabled", "publicKeySecret", "publicKey"].includes(k)) {
      notes.push(`vars.${at}.${k} is not kept: the nixlab preset has no such user attribute (use a vars mapping)`);
    }
  }
  return {
    name,
    address: u.ip,
    ...(typeof u.publicKeySecret === "string" ? { publicKeySecret: { sops: u.publicKeySecret } } : {}),
    ...(typeof u.publicKey === "string" ? { publicKey: u.publicKey } : {}),
    ...(u.enabled === false ? { enabled: false } : {}),
  };
}

/** The /24 block `address` lies in. */
function slash24(address: string): Cidr {
  return Cidr.of(`${address.split(".").slice(0, 3).join(".")}.0/24`);
}

function ipOf(s: string): boolean {
  try {
    Ip.of(s);
    return true;
  } catch {
    return false;
  }
}

function rangeOf(s: string): boolean {
  try {
    IpRange.of(s);
    return true;
  } catch {
    return false;
  }
}

function isNixData(v: unknown): v is NixData {
  if (typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isSafeInteger(v);
  if (Array.isArray(v)) return v.every(isNixData);
  return isAttrs(v) && Object.values(v).every(isNixData);
}
