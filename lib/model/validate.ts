/**
 * Run-time validation of a {@link HomelabSpec}. It never stops at the first
 * problem: every problem is collected with its path and a fix, so the user
 * sees them all at once. The input is `unknown` because specs may come from
 * JSON or YAML as well as from TypeScript.
 */
import type { Disk, Firewall, Host, HomelabData, Kubernetes, Role, Vpn, VpnUser } from "./homelab.js";
import { Cidr, Ip, IpRange, cidrProblem, ipv4Problem, rangeProblem } from "./ip.js";
import { validateDns } from "./dns.js";
import { serverRouteProblems, validateTunnel } from "./vpn-routes.js";
import { isRfc1123Label, isRfc1123Subdomain } from "./names.js";
import { placeholderWarning } from "./placeholders.js";
import { hostDnsName, validateAddressing, validateHostNames, type HostNames } from "./addressing.js";
import { validateSeedOptions } from "./seed-options.js";
import { PRESET_ATTRIBUTES, validateVarsFacts, validateVarsPreset } from "./vars-options.js";
import { keyRefCollisions, validateKeyRef, type KeyRef } from "./key-refs.js";
import { ProblemCollector, describeValue, formatPath, type Problem, type SpecPath } from "./problems.js";
import { clusterPorts, validateInterface, validateK3s } from "./k3s.js";
import { hasClusterFunction, rolePresets } from "./roles.js";
import { validateAgeRecipients } from "./sops-recipients.js";
import { isUnder, unwritableText } from "./text.js";
import { hardwareOf } from "./hardware.js";
import { reservationAddressProblem } from "./reservations.js";
import type { Architecture, ClusterFunction, IngressController, PortSpec } from "./spec.js";
import { editDistance } from "./edit-distance.js";

const RESERVATION_NAME = /^[a-z][A-Za-z0-9]*$/;
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;
const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const DISKO_SIZE = /^[1-9][0-9]*[KMGT]$/;
const ARCHITECTURES: readonly Architecture[] = ["x86_64-linux", "aarch64-linux"];
const CLUSTER_FUNCTIONS: readonly ClusterFunction[] = [
  "k3s-server",
  "k3s-agent",
  "nomad-server",
  "nomad-client",
  "storage-server",
  "storage-standby",
  "none",
];

/** Validates a spec; returns the model data only when there is no error. */
export function validateSpec(spec: unknown): { data: HomelabData | undefined; problems: readonly Problem[] } {
  const v = new Validator();
  const data = v.homelab(spec);
  // A string that cannot be written is reported once, on its path; other rules' findings there are noise.
  const text = unwritableText(spec);
  const problems = [...text.problems, ...v.c.problems.filter((p) => !text.covered.some((c) => isUnder(p.path, c)))];
  const ok = !v.c.hasErrors && text.problems.length === 0;
  return { data: ok ? data : undefined, problems };
}

type Obj = Record<string, unknown>;

class Validator {
  readonly c = new ProblemCollector();

  // ---- generic helpers -------------------------------------------------

  /** Checks that `value` is a plain object with only `known` keys (typos are errors). */
  object(
    path: SpecPath,
    value: unknown,
    what: string,
    known: readonly string[],
    required: readonly string[],
  ): Obj | undefined {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.c.error(
        path,
        `must be ${what} (an object), got ${describeValue(value)}`,
        `Write it as { ${required.map((k) => `${k}: ...`).join(", ")} }.`,
      );
      return undefined;
    }
    const obj = value as Obj;
    for (const key of Object.keys(obj)) {
      if (!known.includes(key)) {
        const guess = closest(key, known);
        this.c.error(
          [...path, key],
          `is not a field of ${what}`,
          guess === undefined ? `Remove it; the fields are ${known.join(", ")}.` : `Did you mean "${guess}"?`,
        );
      }
    }
    for (const key of required) {
      if (obj[key] === undefined) this.c.error([...path, key], `is missing; ${what} needs it`, `Add ${key}.`);
    }
    return obj;
  }

  string(path: SpecPath, value: unknown, fix: string): string | undefined {
    if (typeof value !== "string") {
      if (value !== undefined) this.c.error(path, `must be a string, got ${describeValue(value)}`, fix);
      return undefined;
    }
    return value;
  }

  list(path: SpecPath, value: unknown, fix: string): readonly unknown[] | undefined {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.c.error(path, `must be a list, got ${describeValue(value)}`, fix);
      return undefined;
    }
    return value;
  }

  ip(path: SpecPath, value: unknown): Ip | undefined {
    if (value === undefined) return undefined;
    const p = ipv4Problem(value);
    if (p !== undefined) {
      this.c.error(path, p, "Write a dotted-quad IPv4 address like 192.168.1.10.");
      return undefined;
    }
    return Ip.of(value as string);
  }

  cidr(path: SpecPath, value: unknown): Cidr | undefined {
    if (value === undefined) return undefined;
    const p = cidrProblem(value);
    if (p !== undefined) {
      this.c.error(path, p, "Write a CIDR block like 192.168.1.0/24.");
      return undefined;
    }
    return Cidr.of(value as string);
  }

  boolean(path: SpecPath, value: unknown, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") {
      this.c.error(path, `must be true or false, got ${describeValue(value)}`, "Use a boolean.");
      return fallback;
    }
    return value;
  }

  label(path: SpecPath, value: unknown, what: string): string | undefined {
    const s = this.string(path, value, `Give ${what} as a string.`);
    if (s === undefined) return undefined;
    if (!isRfc1123Label(s)) {
      const suggestion = s
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 63);
      this.c.error(
        path,
        `"${s}" is not a valid ${what}: use lowercase letters, digits and "-", at most 63 characters, not starting or ending with "-"`,
        suggestion !== "" && suggestion !== s ? `Rename it, e.g. "${suggestion}".` : "Rename it.",
      );
      return undefined;
    }
    return s;
  }

  port(path: SpecPath, value: unknown): number | undefined {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
      this.c.error(path, `${describeValue(value)} is not a port`, "Use a whole number from 1 to 65535.");
      return undefined;
    }
    return value;
  }

  // ---- the spec --------------------------------------------------------

  homelab(spec: unknown): HomelabData | undefined {
    const root = this.object(
      [],
      spec,
      "a homelab",
      ["name", "network", "hosts", "roles", "vpn", "nix", "kubernetes", "k3s", "nfs"],
      ["name", "network", "hosts"],
    );
    if (root === undefined) return undefined;
    const name = this.label(["name"], root.name, "lab name") ?? "homelab";
    const mark = this.c.problems.length;
    const roles = this.roles(root.roles);
    // Only a lab with Kubernetes needs a MetalLB pool (a Nomad lab has none).
    const network = this.network(root.network, root.kubernetes !== undefined);
    const hosts = this.hosts(root.hosts, roles, network);
    // A role or host refused (or a host that lost a role) must not make the cluster look incomplete.
    const complete = !this.c.problems.slice(mark).some((p) => p.level === "error" && dropsClusterMember(p.path));
    const vpn = root.vpn === undefined ? undefined : this.vpn(root.vpn, network?.lan);
    const nix = this.nixOptions(root.nix, [...(network?.reservations.keys() ?? [])]);
    const seeds = validateSeedOptions(
      this.c,
      root,
      nix.facts,
      hosts.map(({ host }) => host),
      complete,
    );
    const kubernetes = root.kubernetes === undefined ? undefined : this.kubernetes(root.kubernetes, network?.domain);
    this.addressConflicts(hosts, network);
    const derivedInit = this.k3s(hosts, complete);
    const k3s = validateK3s(this.c, root.k3s, [
      { path: ["network", "lan"], cidr: network?.lan },
      { path: ["vpn", "subnet"], cidr: vpn?.subnet },
    ]);
    const servers = hosts.filter(({ host }) => hasClusterFunction(host, "k3s-server")).length;

    return {
      name,
      domain: network?.domain ?? "",
      lan: network?.lan ?? Cidr.of("0.0.0.0/0"),
      gateway: network?.gateway ?? Ip.of("0.0.0.0"),
      upstreamDns: network?.upstreamDns ?? [],
      metallbPool: network?.pool ?? [],
      loadBalancerIps: network?.reservations ?? new Map(),
      hosts: hosts.map(({ host }) => ({
        ...host,
        clusterInit: host.clusterInit || host.hostname === derivedInit,
        firewall: firewallOf(host.roles, clusterPorts(host, k3s, servers)),
      })),
      roles,
      vpn,
      nix: { ...nix, buildMachines: seeds.buildMachines },
      nfs: seeds.nfs,
      kubernetes,
      k3s,
      warnings: this.c.problems.filter((p) => p.level === "warning"),
    };
  }

  roles(value: unknown): Map<string, Role> {
    const roles = new Map<string, Role>();
    const list =
      value === undefined
        ? rolePresets
        : this.list(["roles"], value, "Give roles as a list, e.g. [...rolePresets, myRole].");
    if (list === undefined) return roles;
    const paths = new Map<string, SpecPath>();
    list.forEach((raw, i) => {
      const path = ["roles", i];
      const r = this.object(
        path,
        raw,
        "a role",
        ["name", "module", "requires", "ports", "cluster", "description"],
        ["name"],
      );
      if (r === undefined) return;
      const name = this.string([...path, "name"], r.name, "Give the role a name.");
      if (name === undefined) return;
      // A role name names a file (`<name>.nix`): the shape of a label, without its length limit.
      if (!isRfc1123Label(name, Infinity)) {
        this.c.error([...path, "name"], `"${name}" is not a valid role name`, 'Use lowercase letters, digits and "-".');
      }
      if (paths.has(name)) {
        this.c.error(
          [...path, "name"],
          `role "${name}" is defined twice (also at ${formatPath(paths.get(name)!)})`,
          "Remove one, or rename yours; to change a preset, filter it out of rolePresets first.",
        );
        return;
      }
      paths.set(name, path);
      const module =
        this.string([...path, "module"], r.module, 'Give the module file name, e.g. "k3s-server.nix".') ??
        `${name}.nix`;
      if (!/^[^/].*\.nix$/.test(module) || module.split("/").includes("..")) {
        this.c.error(
          [...path, "module"],
          `"${module}" is not a .nix file inside the roles folder`,
          'Give a relative path ending in .nix, without "..".',
        );
      }
      const requires = (
        this.list([...path, "requires"], r.requires, "Give requirements as a list of role names.") ?? []
      ).flatMap((q, j) => {
        const s = this.string([...path, "requires", j], q, "Name a role.");
        return s === undefined ? [] : [s];
      });
      const ports = (
        this.list([...path, "ports"], r.ports, "Give ports as a list, e.g. [Port.tcp(6443)].") ?? []
      ).flatMap((p, j) => {
        const port = this.portSpec([...path, "ports", j], p);
        return port === undefined ? [] : [port];
      });
      let cluster: ClusterFunction = "none";
      if (r.cluster !== undefined) {
        if (CLUSTER_FUNCTIONS.includes(r.cluster as ClusterFunction)) cluster = r.cluster as ClusterFunction;
        else
          this.c.error(
            [...path, "cluster"],
            `${describeValue(r.cluster)} is not a cluster function`,
            `Use one of ${CLUSTER_FUNCTIONS.map((f) => `"${f}"`).join(", ")}.`,
          );
      }
      const description = this.string([...path, "description"], r.description, "Describe the role in a string.") ?? "";
      roles.set(name, { name, module, requires, ports, cluster, description });
    });
    // Requirements must exist and be acyclic.
    for (const [name, role] of roles) {
      role.requires.forEach((req, j) => {
        if (!roles.has(req)) {
          this.c.error(
            [...paths.get(name)!, "requires", j],
            `role "${name}" requires "${req}", which is not a role`,
            `Define role "${req}" or remove the requirement.`,
          );
        }
      });
    }
    const state = new Map<string, "visiting" | "done">();
    const visit = (name: string, trail: string[]): void => {
      if (state.get(name) === "done") return;
      if (state.get(name) === "visiting") {
        const cycle = [...trail.slice(trail.indexOf(name)), name];
        this.c.error(
          [...paths.get(name)!, "requires"],
          `roles require each other in a cycle: ${cycle.join(" -> ")}`,
          "Remove one of these requirements.",
        );
        return;
      }
      state.set(name, "visiting");
      for (const req of roles.get(name)?.requires ?? []) if (roles.has(req)) visit(req, [...trail, name]);
      state.set(name, "done");
    };
    for (const name of roles.keys()) visit(name, []);
    return roles;
  }

  portSpec(path: SpecPath, value: unknown): PortSpec | undefined {
    const p = this.object(path, value, "a port", ["protocol", "from", "to", "description"], ["protocol", "from", "to"]);
    if (p === undefined) return undefined;
    if (p.protocol !== "tcp" && p.protocol !== "udp") {
      this.c.error([...path, "protocol"], `${describeValue(p.protocol)} is not a protocol`, 'Use "tcp" or "udp".');
    }
    const from = this.port([...path, "from"], p.from);
    const to = this.port([...path, "to"], p.to);
    if (from !== undefined && to !== undefined && from > to) {
      this.c.error(path, `port range ${from}-${to} ends before it starts`, "Write the lower port first.");
    }
    const description = this.string([...path, "description"], p.description, "Describe the port in a string.") ?? "";
    if (from === undefined || to === undefined || (p.protocol !== "tcp" && p.protocol !== "udp")) return undefined;
    return { protocol: p.protocol, from, to, description };
  }

  network(
    value: unknown,
    requirePool = true,
  ):
    | {
        domain: string;
        lan: Cidr | undefined;
        gateway: Ip | undefined;
        upstreamDns: Ip[];
        pool: IpRange[];
        poolPaths: SpecPath[];
        reservations: Map<string, Ip>;
        hostNames: HostNames;
      }
    | undefined {
    const path = ["network"];
    const n = this.object(
      path,
      value,
      "the network",
      ["domain", "lan", "gateway", "upstreamDns", "metallbPool", "loadBalancerIps", "hostNames"],
      requirePool ? ["domain", "lan", "gateway", "metallbPool"] : ["domain", "lan", "gateway"],
    );
    if (n === undefined) return undefined;
    const domain = this.domain(n.domain);
    const lan = this.cidr([...path, "lan"], n.lan);
    const gateway = this.ip([...path, "gateway"], n.gateway);
    if (lan !== undefined && gateway !== undefined) this.inLan([...path, "gateway"], gateway, lan, "the gateway");
    const upstreamDns = (
      this.list(
        [...path, "upstreamDns"],
        n.upstreamDns ?? ["1.1.1.1", "9.9.9.9"],
        'Give resolvers as a list, e.g. ["1.1.1.1"].',
      ) ?? []
    ).flatMap((d, i) => {
      const ip = this.ip([...path, "upstreamDns", i], d);
      return ip === undefined ? [] : [ip];
    });

    // The MetalLB pool.
    const pool: IpRange[] = [];
    const poolPaths: SpecPath[] = [];
    const rawPool = n.metallbPool;
    const entries: [SpecPath, unknown][] =
      typeof rawPool === "string"
        ? [[[...path, "metallbPool"], rawPool]]
        : Array.isArray(rawPool)
          ? rawPool.map((r, i) => [[...path, "metallbPool", i], r])
          : [];
    if (rawPool !== undefined && typeof rawPool !== "string" && !Array.isArray(rawPool)) {
      this.c.error(
        [...path, "metallbPool"],
        `must be a CIDR block or a list of ranges, got ${describeValue(rawPool)}`,
        'Write e.g. "192.168.1.200-192.168.1.220".',
      );
    }
    if (Array.isArray(rawPool) && rawPool.length === 0) {
      this.c.error(
        [...path, "metallbPool"],
        "is empty",
        'Give at least one range, e.g. "192.168.1.200-192.168.1.220".',
      );
    }
    let poolComplete = rawPool === undefined || typeof rawPool === "string" || Array.isArray(rawPool);
    for (const [p, raw] of entries) {
      const problem = rangeProblem(raw);
      if (problem !== undefined) {
        poolComplete = false;
        this.c.error(
          p,
          problem,
          'Write a range like "192.168.1.200-192.168.1.220" or a CIDR block like "192.168.1.192/27".',
        );
        continue;
      }
      const range = IpRange.of(raw as string);
      if (lan !== undefined && !range.within(lan)) {
        this.c.error(
          p,
          `MetalLB pool ${range.toString()} is not inside the LAN ${lan.toString()} (network.lan)`,
          "Pick addresses inside the LAN that your DHCP server does not hand out.",
        );
      }
      pool.forEach((other, i) => {
        if (other.overlaps(range)) {
          this.c.error(
            p,
            `MetalLB pool range ${range.toString()} overlaps ${other.toString()} (${formatPath(poolPaths[i]!)})`,
            "Make the ranges disjoint.",
          );
        }
      });
      if (gateway !== undefined && range.contains(gateway)) {
        this.c.error(
          p,
          `MetalLB pool ${range.toString()} contains the gateway ${gateway.toString()} (network.gateway)`,
          "Move the pool away from the gateway.",
        );
      }
      pool.push(range);
      poolPaths.push(p);
    }

    // Named reservations.
    const reservations = new Map<string, Ip>();
    const rawRes = n.loadBalancerIps ?? {};
    if (rawRes === null || typeof rawRes !== "object" || Array.isArray(rawRes)) {
      this.c.error(
        [...path, "loadBalancerIps"],
        `must be an object of name: address, got ${describeValue(rawRes)}`,
        'Write e.g. { pihole: "192.168.1.200" }.',
      );
    } else {
      const seen = new Map<number, string>();
      for (const [name, raw] of Object.entries(rawRes as Obj)) {
        const p = [...path, "loadBalancerIps", name];
        if (!RESERVATION_NAME.test(name)) {
          this.c.error(
            p,
            `reservation name "${name}" cannot become a Nix attribute "${name}Ip"`,
            'Use a camelCase name of letters and digits, e.g. "pihole" or "homeAssistant".',
          );
        }
        const ip = this.ip(p, raw);
        if (ip === undefined) continue;
        if (lan !== undefined) reservationAddressProblem(this.c, p, ip, lan);
        // Against a pool with a refused range, "outside the pool" could be false: skip it.
        if (poolComplete && pool.length > 0 && !pool.some((r) => r.contains(ip))) {
          this.c.error(
            p,
            `${ip.toString()} is outside the MetalLB pool (${pool.map((r) => r.toString()).join(", ")})`,
            "Pick an address inside network.metallbPool, or widen the pool.",
          );
        }
        const other = seen.get(ip.value);
        if (other !== undefined) {
          this.c.error(
            p,
            `${ip.toString()} is already the load-balancer IP "${other}" (network.loadBalancerIps.${other})`,
            "Give each reservation its own address.",
          );
        } else {
          seen.set(ip.value, name);
        }
        reservations.set(name, ip);
      }
    }
    const hostNames = validateHostNames(this.c, [...path, "hostNames"], n.hostNames);
    return { domain: domain ?? "", lan, gateway, upstreamDns, pool, poolPaths, reservations, hostNames };
  }

  domain(value: unknown): string | undefined {
    const path = ["network", "domain"];
    const d = this.string(path, value, 'Give the domain as a string, e.g. "home.example.com".');
    if (d === undefined) return undefined;
    const labels = d.split(".");
    if (labels.length < 2 || !isRfc1123Subdomain(d)) {
      this.c.error(
        path,
        `"${d}" is not a DNS domain`,
        'Use lowercase labels separated by dots, e.g. "home.example.com".',
      );
      return undefined;
    }
    return d;
  }

  inLan(path: SpecPath, ip: Ip, lan: Cidr, what: string): void {
    if (!lan.contains(ip)) {
      this.c.error(
        path,
        `${what} ${ip.toString()} is outside the LAN ${lan.toString()} (network.lan)`,
        "Use an address inside the LAN, or fix network.lan.",
      );
    } else if (lan.isNetworkOrBroadcast(ip)) {
      this.c.error(
        path,
        `${what} ${ip.toString()} is the ${ip.equals(lan.network) ? "network" : "broadcast"} address of ${lan.toString()}`,
        "Use a host address.",
      );
    }
  }

  hosts(
    value: unknown,
    roles: Map<string, Role>,
    network: ReturnType<Validator["network"]>,
  ): { host: Host; path: SpecPath }[] {
    const list = this.list(["hosts"], value, "Give hosts as a list.");
    if (list === undefined) return [];
    if (list.length === 0) this.c.error(["hosts"], "is empty", "Describe at least one host.");
    const out: { host: Host; path: SpecPath }[] = [];
    const names = new Map<string, SpecPath>();
    const macs = new Map<string, SpecPath>();
    list.forEach((raw, i) => {
      const path = ["hosts", i];
      const h = this.object(
        path,
        raw,
        "a host",
        [
          "hostname",
          "address",
          "addressing",
          "mac",
          "architecture",
          "disk",
          "tags",
          "roles",
          "clusterInit",
          "hardware",
          "interface",
        ],
        ["hostname", "roles"],
      );
      if (h === undefined) return;
      const hostname = this.label([...path, "hostname"], h.hostname, "hostname");
      if (hostname !== undefined) {
        const prev = names.get(hostname);
        if (prev !== undefined) {
          this.c.error(
            [...path, "hostname"],
            `hostname "${hostname}" is already used by ${formatPath(prev)}`,
            "Give every host its own name.",
          );
        } else names.set(hostname, path);
      }
      const address = h.address === undefined ? undefined : this.ip([...path, "address"], h.address);
      const addressing = validateAddressing(this.c, [...path, "addressing"], h.addressing, h.address !== undefined);
      if (address !== undefined && network?.lan !== undefined)
        this.inLan([...path, "address"], address, network.lan, "host address");
      let mac: string | undefined;
      if (h.mac !== undefined) {
        const m = this.string([...path, "mac"], h.mac, 'Write the MAC as "aa:bb:cc:dd:ee:ff".');
        if (m !== undefined && !MAC.test(m)) {
          this.c.error(
            [...path, "mac"],
            `"${m}" is not a MAC address`,
            'Write six hex pairs separated by ":", e.g. "aa:bb:cc:dd:ee:ff".',
          );
        } else if (m !== undefined) {
          mac = m.toLowerCase();
          const prev = macs.get(mac);
          if (prev !== undefined)
            this.c.error(
              [...path, "mac"],
              `MAC ${mac} is already used by ${formatPath(prev)}`,
              "Check the MAC; two interfaces cannot share one.",
            );
          else macs.set(mac, path);
        }
      }
      let architecture: Architecture = "x86_64-linux";
      if (h.architecture !== undefined) {
        if (ARCHITECTURES.includes(h.architecture as Architecture)) architecture = h.architecture as Architecture;
        else
          this.c.error(
            [...path, "architecture"],
            `${describeValue(h.architecture)} is not a supported architecture`,
            'Use "x86_64-linux" or "aarch64-linux".',
          );
      }
      const disk = h.disk === undefined ? undefined : this.disk([...path, "disk"], h.disk);
      const tags = (
        this.list([...path, "tags"], h.tags, 'Give tags as a list of strings, e.g. ["rack-1"].') ?? []
      ).flatMap((t, j) => {
        const s = this.string([...path, "tags", j], t, "Tags are strings.");
        return s === undefined ? [] : [s];
      });
      let refusedRole = false;
      const roleNames = (
        this.list([...path, "roles"], h.roles, 'Give roles as a list of names, e.g. ["k3s-server"].') ?? []
      ).flatMap((r, j) => {
        const s = this.string([...path, "roles", j], r, "Name a role.");
        refusedRole ||= s === undefined || !roles.has(s);
        if (s === undefined) return [];
        if (!roles.has(s)) {
          const guess = closest(s, [...roles.keys()]);
          this.c.error(
            [...path, "roles", j],
            `"${s}" is not a role`,
            guess === undefined ? "Define it in roles, or use a preset." : `Did you mean "${guess}"?`,
          );
          return [];
        }
        return [s];
      });
      new Set(roleNames).size !== roleNames.length &&
        this.c.error(
          [...path, "roles"],
          `lists a role twice (${roleNames.filter((r, k) => roleNames.indexOf(r) !== k).join(", ")})`,
          "List each role once.",
        );
      // Every requirement must be on the host (unless one of its roles was refused: it may be the requirement).
      if (!refusedRole)
        roleNames.forEach((r, j) => {
          for (const req of roles.get(r)!.requires) {
            if (roles.has(req) && !roleNames.includes(req)) {
              this.c.error(
                [...path, "roles", j],
                `role "${r}" requires "${req}", which host "${hostname ?? i}" does not have`,
                `Add "${req}" to the host's roles.`,
              );
            }
          }
        });
      const ordered = orderRoles(roleNames, roles);
      const clusterInit = this.boolean([...path, "clusterInit"], h.clusterInit, false);
      const lanInterface = validateInterface(this.c, [...path, "interface"], h.interface);
      if (hostname === undefined || (address === undefined && addressing === "static")) return;
      out.push({
        path,
        host: {
          hostname,
          address,
          addressing,
          dnsName: hostDnsName(hostname, network?.hostNames ?? "mdns", network?.domain ?? ""),
          mac,
          architecture,
          disk,
          tags,
          roles: ordered,
          clusterInit,
          firewall: firewallOf(ordered),
          ...hardwareOf(this.c, [...path, "hardware"], h.hardware),
          ...lanInterface,
        },
      });
    });
    return out;
  }

  disk(path: SpecPath, value: unknown): Disk | undefined {
    const d = this.object(path, value, "a disk", ["device", "espSize", "longhorn"], ["device"]);
    if (d === undefined) return undefined;
    const device = this.devicePath([...path, "device"], d.device);
    const espSize = this.string([...path, "espSize"], d.espSize, 'Write the size like "512M".') ?? "512M";
    if (!DISKO_SIZE.test(espSize))
      this.c.error(
        [...path, "espSize"],
        `"${espSize}" is not a size in disko's notation`,
        'Write a whole number with K, M, G or T, e.g. "512M" or "1G".',
      );
    let longhorn: Disk["longhorn"];
    if (d.longhorn !== undefined) {
      const l = this.object([...path, "longhorn"], d.longhorn, "a Longhorn disk", ["device", "mountPoint"], ["device"]);
      if (l !== undefined) {
        const ldev = this.devicePath([...path, "longhorn", "device"], l.device);
        const mountPoint =
          this.string(
            [...path, "longhorn", "mountPoint"],
            l.mountPoint,
            'Write an absolute path like "/var/lib/longhorn".',
          ) ?? "/var/lib/longhorn";
        if (!mountPoint.startsWith("/"))
          this.c.error(
            [...path, "longhorn", "mountPoint"],
            `"${mountPoint}" is not an absolute path`,
            'Write e.g. "/var/lib/longhorn".',
          );
        if (ldev !== undefined && device !== undefined && ldev === device) {
          this.c.error(
            [...path, "longhorn", "device"],
            `the Longhorn disk ${ldev} is the system disk`,
            "Give a separate data disk, or leave longhorn out to use the system disk.",
          );
        }
        if (ldev !== undefined) longhorn = { device: ldev, mountPoint };
      }
    }
    return device === undefined ? undefined : { device, espSize, longhorn };
  }

  devicePath(path: SpecPath, value: unknown): string | undefined {
    const s = this.string(path, value, 'Give the device as a string, e.g. "/dev/nvme0n1".');
    if (s === undefined) return undefined;
    if (!/^\/dev\/\S+$/.test(s)) {
      this.c.error(path, `"${s}" is not a device path`, 'Write e.g. "/dev/sda" or "/dev/disk/by-id/...".');
      return undefined;
    }
    return s;
  }

  addressConflicts(hosts: { host: Host; path: SpecPath }[], network: ReturnType<Validator["network"]>): void {
    const byAddress = new Map<number, SpecPath>();
    const unknown = hosts.filter(({ host }) => host.address === undefined);
    if (unknown.length > 0) {
      this.c.warning(
        [...unknown[0]!.path, "address"],
        `${unknown.map(({ host }) => `"${host.hostname}"`).join(", ")} take${unknown.length === 1 ? "s" : ""} ` +
          "an address from DHCP that the lab does not know: the checks that no host address is the gateway, " +
          "another host's, a load-balancer IP or inside the MetalLB pool were skipped for " +
          (unknown.length === 1 ? "it" : "them"),
        "Keep the DHCP server's range off network.metallbPool and the reservations (or give a known lease as address).",
      );
    }
    for (const { host: h, path } of hosts) {
      if (h.address === undefined) continue;
      const host = { address: h.address };
      const p = [...path, "address"];
      const prev = byAddress.get(host.address.value);
      if (prev !== undefined) {
        this.c.error(
          p,
          `${host.address.toString()} is already the address of ${formatPath(prev)}`,
          "Give every host its own address.",
        );
      } else byAddress.set(host.address.value, path);
      if (network === undefined) continue;
      if (network.gateway?.equals(host.address)) {
        this.c.error(
          p,
          `${host.address.toString()} is the gateway's address (network.gateway)`,
          "Pick another address for the host.",
        );
      }
      let reserved = false;
      for (const [name, ip] of network.reservations) {
        if (ip.equals(host.address)) {
          reserved = true;
          this.c.error(
            p,
            `${ip.toString()} is already the load-balancer IP "${name}" (network.loadBalancerIps.${name})`,
            "Pick another address or move the reservation.",
          );
        }
      }
      network.pool.forEach((range, i) => {
        if (range.contains(host.address) && !reserved) {
          this.c.error(
            p,
            `${host.address.toString()} lies in the MetalLB pool ${range.toString()} (${formatPath(network.poolPaths[i]!)}), so MetalLB could hand it to a Service`,
            "Move the host out of the pool, or shrink the pool.",
          );
        }
      });
    }
  }

  /** Checks the k3s topology; returns the hostname of the only server when it is the cluster-init server by default. */
  k3s(hosts: { host: Host; path: SpecPath }[], complete: boolean): string | undefined {
    const isServer = (h: Host) => hasClusterFunction(h, "k3s-server");
    const isAgent = (h: Host) => hasClusterFunction(h, "k3s-agent");
    const servers = hosts.filter(({ host }) => isServer(host));
    const agents = hosts.filter(({ host }) => isAgent(host));
    for (const { host, path } of hosts) {
      if (host.clusterInit && !isServer(host)) {
        this.c.error(
          [...path, "clusterInit"],
          `host "${host.hostname}" is marked clusterInit but is not a k3s server`,
          'Give it the "k3s-server" role, or remove clusterInit.',
        );
      }
      if (isServer(host) && isAgent(host)) {
        this.c.error(
          [...path, "roles"],
          `host "${host.hostname}" is both a k3s server and a k3s agent`,
          "k3s servers run workloads already; keep only the server role.",
        );
      }
    }
    // The checks of the whole cluster below need every host and role: skip them when one was refused.
    if (!complete) return undefined;
    if (servers.length === 0 && agents.length > 0) {
      this.c.error(
        agents[0]!.path.slice(0, 1),
        `the k3s cluster has agents (${agents.map((a) => a.host.hostname).join(", ")}) but no server`,
        'Give one host the "k3s-server" role.',
      );
      return undefined;
    }
    if (servers.length === 0) return undefined;
    let derived: string | undefined;
    const inits = servers.filter(({ host }) => host.clusterInit);
    if (inits.length > 1) {
      for (const { host, path } of inits.slice(1)) {
        this.c.error(
          [...path, "clusterInit"],
          `host "${host.hostname}" is a second cluster-init server (${inits[0]!.host.hostname} is the first)`,
          "Mark exactly one k3s server with clusterInit: true; the others join it.",
        );
      }
    } else if (inits.length === 0) {
      if (servers.length === 1) {
        derived = servers[0]!.host.hostname; // the only server initialises the cluster
      } else {
        this.c.error(
          servers[0]!.path.slice(0, 1),
          `the k3s cluster has ${servers.length} servers (${servers.map((s) => s.host.hostname).join(", ")}) and none is marked clusterInit`,
          "Mark exactly one of them with clusterInit: true.",
        );
      }
    }
    if (servers.length % 2 === 0) {
      this.c.warning(
        servers[0]!.path.slice(0, 1),
        `the k3s cluster has ${servers.length} servers (${servers.map((s) => s.host.hostname).join(", ")}); etcd needs a majority, so an even count tolerates no more failures than one server fewer`,
        `Run ${servers.length - 1} or ${servers.length + 1} servers.`,
      );
    }
    return derived;
  }

  vpn(value: unknown, lan: Cidr | undefined): Vpn | undefined {
    const path = ["vpn"];
    const v = this.object(path, value, "the VPN", ["subnet", "listenPort", "users"], ["subnet"]);
    if (v === undefined) return undefined;
    const subnet = this.cidr([...path, "subnet"], v.subnet);
    if (subnet !== undefined && lan !== undefined && subnet.toRange().overlaps(lan.toRange())) {
      this.c.error(
        [...path, "subnet"],
        `VPN subnet ${subnet.toString()} overlaps the LAN ${lan.toString()}`,
        'Use a separate private block, e.g. "10.8.0.0/24".',
      );
    }
    if (subnet !== undefined && subnet.prefix > 30) {
      this.c.error(
        [...path, "subnet"],
        `VPN subnet ${subnet.toString()} has no room for users`,
        "Use a /30 or larger block, e.g. /24.",
      );
    }
    const listenPort = v.listenPort === undefined ? 51820 : (this.port([...path, "listenPort"], v.listenPort) ?? 51820);
    const serverAddress = subnet?.firstHost;
    const users: VpnUser[] = [];
    const names = new Map<string, SpecPath>();
    const addrs = new Map<number, SpecPath>();
    const keys = new Map<string, SpecPath>();
    const keyRefs: { path: SpecPath; ref: KeyRef }[] = [];
    (this.list([...path, "users"], v.users, "Give users as a list.") ?? []).forEach((raw, i) => {
      const p = [...path, "users", i];
      const u = this.object(
        p,
        raw,
        "a VPN user",
        ["name", "address", "publicKey", "publicKeySecret", "allowedIps", "tunnel", "group", "enabled"],
        ["name", "address"],
      );
      if (u === undefined) return;
      const name = this.label([...p, "name"], u.name, "VPN user name");
      if (name !== undefined) {
        const prev = names.get(name);
        if (prev !== undefined)
          this.c.error(
            [...p, "name"],
            `VPN user "${name}" is already defined at ${formatPath(prev)}`,
            "Give every user their own name.",
          );
        else names.set(name, p);
      }
      const address = this.ip([...p, "address"], u.address);
      if (address !== undefined && subnet !== undefined) {
        if (!subnet.contains(address)) {
          this.c.error(
            [...p, "address"],
            `tunnel address ${address.toString()} is outside the VPN subnet ${subnet.toString()} (vpn.subnet)`,
            "Pick an address inside vpn.subnet.",
          );
        } else if (subnet.isNetworkOrBroadcast(address)) {
          this.c.error(
            [...p, "address"],
            `tunnel address ${address.toString()} is the ${address.equals(subnet.network) ? "network" : "broadcast"} address of ${subnet.toString()}`,
            "Pick a host address.",
          );
        } else if (serverAddress !== undefined && address.equals(serverAddress)) {
          this.c.error(
            [...p, "address"],
            `tunnel address ${address.toString()} is the gateway's own address (the first host of vpn.subnet)`,
            `Start users at ${serverAddress.plus(1).toString()}.`,
          );
        }
      }
      if (address !== undefined) {
        const prev = addrs.get(address.value);
        if (prev !== undefined)
          this.c.error(
            [...p, "address"],
            `tunnel address ${address.toString()} is already used by ${formatPath(prev)}`,
            "Give every user their own tunnel address.",
          );
        else addrs.set(address.value, p);
      }
      let publicKey: string | undefined;
      let publicKeySecret: string | undefined;
      if (u.publicKey !== undefined && u.publicKeySecret !== undefined) {
        this.c.error(p, "has both publicKey and publicKeySecret", "Keep one of them.");
      } else if (u.publicKey === undefined && u.publicKeySecret === undefined) {
        this.c.error(
          p,
          `VPN user "${name ?? i}" has no public key`,
          "Add publicKey (from `wg pubkey`) or publicKeySecret (the name of a Secret holding it).",
        );
      }
      if (u.publicKey !== undefined) {
        const k = this.string([...p, "publicKey"], u.publicKey, "Give the key as a string.");
        if (k !== undefined && !WG_KEY.test(k)) {
          this.c.error(
            [...p, "publicKey"],
            `"${k}" is not a WireGuard public key (32 bytes in base64: 44 characters ending in "=")`,
            "Paste the output of `wg pubkey` for the user's private key.",
          );
        } else if (k !== undefined) {
          const prev = keys.get(k);
          if (prev !== undefined)
            this.c.error(
              [...p, "publicKey"],
              `public key is already used by ${formatPath(prev)}`,
              "Every peer needs its own key pair.",
            );
          else keys.set(k, p);
          publicKey = k;
        }
      }
      let publicKeyRef: KeyRef | undefined;
      if (u.publicKeySecret !== undefined) {
        publicKeyRef = validateKeyRef(this.c, [...p, "publicKeySecret"], u.publicKeySecret);
        if (publicKeyRef !== undefined) keyRefs.push({ path: [...p, "publicKeySecret"], ref: publicKeyRef });
        publicKeySecret = publicKeyRef?.secretName;
      }
      const allowedRaw =
        this.list(
          [...p, "allowedIps"],
          u.allowedIps,
          'Give addresses as a list of CIDR blocks, e.g. ["10.8.0.2/32"].',
        ) ?? [];
      const allowedIps = allowedRaw.flatMap((a, j) => {
        const c = this.cidr([...p, "allowedIps", j], a);
        return c === undefined ? [] : [c];
      });
      serverRouteProblems(this.c, [...p, "allowedIps"], allowedIps, { lan, subnet });
      const tunnel = validateTunnel(this.c, [...p, "tunnel"], u.tunnel);
      const group = u.group === undefined ? "users" : (this.label([...p, "group"], u.group, "group name") ?? "users");
      const enabled = this.boolean([...p, "enabled"], u.enabled, true);
      if (name === undefined || address === undefined) return;
      users.push({
        name,
        address,
        publicKey,
        publicKeySecret,
        publicKeyRef,
        allowedIps: u.allowedIps === undefined ? [Cidr.of(`${address.toString()}/32`)] : allowedIps,
        tunnel,
        group,
        enabled,
      });
    });
    keyRefCollisions(this.c, keyRefs);
    if (subnet === undefined || serverAddress === undefined) return undefined;
    return { subnet, serverAddress, listenPort, users };
  }

  kubernetes(value: unknown, domain: string | undefined): Kubernetes | undefined {
    const path = ["kubernetes"];
    const k = this.object(
      path,
      value,
      "the Kubernetes options",
      ["ingressController", "storageClass", "flux", "certificates", "dns"],
      ["flux", "certificates"],
    );
    if (k === undefined) return undefined;
    let ingressController: IngressController = "traefik";
    if (k.ingressController !== undefined) {
      if (k.ingressController === "traefik" || k.ingressController === "ingress-nginx")
        ingressController = k.ingressController;
      else
        this.c.error(
          [...path, "ingressController"],
          `${describeValue(k.ingressController)} is not a supported ingress controller`,
          'Use "traefik" or "ingress-nginx".',
        );
    }
    const storageClass =
      this.k8sName([...path, "storageClass"], k.storageClass ?? "longhorn", "StorageClass") ?? "longhorn";

    const fp = [...path, "flux"];
    const f = this.object(
      fp,
      k.flux,
      "the Flux options",
      ["url", "branch", "interval", "path", "sopsAgeSecret", "sopsAgeRecipients"],
      ["url"],
    );
    const url = this.string([...fp, "url"], f?.url, "Give the repository URL as a string.") ?? "";
    placeholderWarning(this.c, [...fp, "url"], url, "the Git URL of this repository, which Flux clones");
    if (f?.url !== undefined && !/^(ssh|https?):\/\/[^\s]+$/.test(url)) {
      this.c.error(
        [...fp, "url"],
        `"${url}" is not a Git URL Flux can clone`,
        'Use "ssh://git@github.com/you/homelab" or "https://github.com/you/homelab".',
      );
    }
    const branch = this.string([...fp, "branch"], f?.branch, 'Give the branch as a string, e.g. "main".') ?? "main";
    if (!/^[A-Za-z0-9._/-]+$/.test(branch))
      this.c.error([...fp, "branch"], `"${branch}" is not a branch name`, 'Use e.g. "main".');
    const interval = this.duration([...fp, "interval"], f?.interval ?? "10m");
    const fluxPath = this.string([...fp, "path"], f?.path, 'Give the path as a string, e.g. "./dist".') ?? "./dist";
    if (!/^\.\/[A-Za-z0-9._/-]*[A-Za-z0-9_-]$/.test(fluxPath) || fluxPath.split("/").includes("..")) {
      this.c.error(
        [...fp, "path"],
        `"${fluxPath}" is not a path inside the repository`,
        'Write it like "./dist" or "./clusters/home/dist".',
      );
    }
    const sopsAgeSecret =
      this.k8sName([...fp, "sopsAgeSecret"], f?.sopsAgeSecret ?? "sops-age", "Secret") ?? "sops-age";
    const sopsAgeRecipients = validateAgeRecipients(this.c, [...fp, "sopsAgeRecipients"], f?.sopsAgeRecipients);

    const cp = [...path, "certificates"];
    const c = this.object(
      cp,
      k.certificates,
      "the certificate options",
      ["acmeEmail", "acmeServer", "cloudflareApiTokenSecret"],
      ["acmeEmail"],
    );
    const acmeEmail = this.string([...cp, "acmeEmail"], c?.acmeEmail, "Give an e-mail address.") ?? "";
    if (c?.acmeEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(acmeEmail)) {
      this.c.error(
        [...cp, "acmeEmail"],
        `"${acmeEmail}" is not an e-mail address`,
        "Let's Encrypt writes to it about expiring certificates.",
      );
    }
    placeholderWarning(this.c, [...cp, "acmeEmail"], acmeEmail, "the e-mail Let's Encrypt writes to");
    let acmeServer: "production" | "staging" = "production";
    if (c?.acmeServer !== undefined) {
      if (c.acmeServer === "production" || c.acmeServer === "staging") acmeServer = c.acmeServer;
      else
        this.c.error(
          [...cp, "acmeServer"],
          `${describeValue(c.acmeServer)} is not an ACME server`,
          'Use "production" or "staging".',
        );
    }
    const cloudflareApiTokenSecret =
      this.k8sName(
        [...cp, "cloudflareApiTokenSecret"],
        c?.cloudflareApiTokenSecret ?? "cloudflare-api-token",
        "Secret",
      ) ?? "cloudflare-api-token";
    return {
      ingressController,
      storageClass,
      flux: { url, branch, interval, path: fluxPath, sopsAgeSecret, sopsAgeRecipients },
      certificates: { acmeEmail, acmeServer, cloudflareApiTokenSecret },
      dns: validateDns(this.c, [...path, "dns"], k.dns, domain),
    };
  }

  k8sName(path: SpecPath, value: unknown, what: string): string | undefined {
    const s = this.string(path, value, `Give the ${what} name as a string.`);
    if (s === undefined) return undefined;
    if (!isRfc1123Subdomain(s)) {
      this.c.error(path, `"${s}" is not a valid ${what} name`, 'Use lowercase letters, digits, "-" and ".".');
      return undefined;
    }
    return s;
  }

  duration(path: SpecPath, value: unknown): string {
    const s = this.string(path, value, 'Give a duration like "10m".');
    if (s === undefined) return "10m";
    if (!/^(?:[0-9]+(?:ms|s|m|h))+$/.test(s)) {
      this.c.error(path, `"${s}" is not a Go duration`, 'Write e.g. "30s", "10m" or "1h".');
      return "10m";
    }
    return s;
  }

  nixOptions(value: unknown, reservations: readonly string[]): Omit<HomelabData["nix"], "buildMachines"> {
    if (value === undefined) return { rolesDir: "roles", vars: "default", facts: {} };
    const n = this.object(["nix"], value, "the Nix options", ["rolesDir", "vars", "facts", "buildMachines"], []);
    const vars = validateVarsPreset(this.c, ["nix", "vars"], n?.vars);
    const taken = new Set([...PRESET_ATTRIBUTES[vars], ...reservations.map((r) => `${r}Ip`)]);
    const facts = validateVarsFacts(this.c, ["nix", "facts"], n?.facts, taken);
    const rolesDir =
      this.string(["nix", "rolesDir"], n?.rolesDir, 'Give a folder relative to nix/, e.g. "roles".') ?? "roles";
    if (rolesDir.startsWith("/") || rolesDir === "" || rolesDir.includes("\0")) {
      this.c.error(
        ["nix", "rolesDir"],
        `"${rolesDir}" is not a relative folder`,
        'Give a folder relative to nix/, e.g. "roles" or "../modules/roles".',
      );
    }
    return { rolesDir: rolesDir.replace(/\/+$/, ""), vars, facts };
  }
}

/** True when an error at `path` drops a role or a host (or one of a host's roles) from the model. */
function dropsClusterMember(path: SpecPath): boolean {
  if (path[0] === "roles") return true;
  if (path[0] !== "hosts") return false;
  return path.length <= 2 || path[2] === "hostname" || path[2] === "address" || path[2] === "roles";
}

/** The host's roles, requirements before the roles that need them, otherwise in the order given. */
export function orderRoles(names: readonly string[], roles: ReadonlyMap<string, Role>): Role[] {
  const out: Role[] = [];
  const seen = new Set<string>();
  const visit = (name: string, depth: number): void => {
    if (seen.has(name) || depth > roles.size) return;
    const role = roles.get(name);
    if (role === undefined) return;
    for (const req of role.requires) if (names.includes(req)) visit(req, depth + 1);
    if (!seen.has(name)) {
      seen.add(name);
      out.push(role);
    }
  };
  for (const n of names) visit(n, 0);
  return out;
}

/** Merges the ports of `roles` (and `extra` ports) into NixOS firewall options: sorted, deduplicated, singles inside ranges dropped. */
export function firewallOf(roles: readonly Role[], extra: readonly PortSpec[] = []): Firewall {
  const pick = (protocol: "tcp" | "udp") => {
    const ports = [...roles.flatMap((r) => r.ports), ...extra].filter((p) => p.protocol === protocol);
    const ranges = mergeRanges(ports.filter((p) => p.from !== p.to).map((p) => ({ from: p.from, to: p.to })));
    const singles = [...new Set(ports.filter((p) => p.from === p.to).map((p) => p.from))]
      .filter((n) => !ranges.some((r) => r.from <= n && n <= r.to))
      .sort((a, b) => a - b);
    return { singles, ranges };
  };
  const tcp = pick("tcp");
  const udp = pick("udp");
  return {
    allowedTCPPorts: tcp.singles,
    allowedTCPPortRanges: tcp.ranges,
    allowedUDPPorts: udp.singles,
    allowedUDPPortRanges: udp.ranges,
  };
}

function mergeRanges(ranges: { from: number; to: number }[]): { from: number; to: number }[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
  const out: { from: number; to: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

/** The known word closest to `word` (edit distance at most 2), for "did you mean" hints. */
function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDist) {
      best = k;
      bestDist = d;
    }
  }
  return best;
}
