/**
 * How a host gets its LAN address and how it is reached by name: a static address (the default), or an
 * address from DHCP with the host reached by its name (`<hostname>.local` over mDNS, or
 * `<hostname>.<domain>` from the LAN's DNS).
 */
import { describeValue, type ProblemCollector, type SpecPath } from "./problems.js";

/** Where a host's LAN address comes from: written in the spec (`"static"`) or from the LAN's DHCP server. */
export type Addressing = "static" | "dhcp";

/** How hosts are reached by name: mDNS (`<hostname>.local`) or the lab's domain (`<hostname>.<domain>`). */
export type HostNames = "mdns" | "domain";

/** Validates `hosts[i].addressing` at `path`; a static host must have an address. */
export function validateAddressing(
  c: ProblemCollector,
  path: SpecPath,
  value: unknown,
  hasAddress: boolean,
): Addressing {
  let addressing: Addressing = "static";
  if (value === "static" || value === "dhcp") addressing = value;
  else if (value !== undefined) {
    c.error(
      path,
      `must be "static" or "dhcp", got ${describeValue(value)}`,
      'Use "dhcp" for a host that takes its address from the LAN\'s DHCP server, else leave it out.',
    );
  }
  if (addressing === "static" && !hasAddress) {
    const host = path.slice(0, -1);
    c.error(
      [...host, "address"],
      'is missing: a host has a static LAN address unless it says addressing: "dhcp"',
      'Give the host\'s address, or addressing: "dhcp" for a host that gets one from DHCP and is reached by name ' +
        "(network.hostNames says how).",
    );
  }
  return addressing;
}

/** Validates `network.hostNames` at `path`. */
export function validateHostNames(c: ProblemCollector, path: SpecPath, value: unknown): HostNames {
  if (value === undefined || value === "mdns" || value === "domain") return value ?? "mdns";
  c.error(
    path,
    `must be "mdns" or "domain", got ${describeValue(value)}`,
    'Use "mdns" when hosts answer as <hostname>.local, "domain" when the LAN\'s DNS knows <hostname>.<domain>.',
  );
  return "mdns";
}

/** The name `hostname` is reached by: `<hostname>.local` (mDNS) or `<hostname>.<domain>`. */
export function hostDnsName(hostname: string, hostNames: HostNames, domain: string): string {
  return hostNames === "mdns" ? `${hostname}.local` : `${hostname}.${domain}`;
}

/**
 * What other machines reach a host by: its static address, or for a host on DHCP the name it is reached
 * by (`dnsName`), since a lease may change. k3s agents join by it; Prometheus scrapes by it.
 */
export function hostEndpoint(host: {
  readonly addressing: Addressing;
  readonly address?: { toString(): string } | undefined;
  readonly dnsName: string;
}): string {
  return host.addressing === "dhcp" || host.address === undefined ? host.dnsName : host.address.toString();
}
