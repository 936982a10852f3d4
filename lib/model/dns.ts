/**
 * The DNS zone the lab's names live in: where external-dns publishes the apps' host names and
 * where cert-manager answers DNS-01 challenges. The lab's domain is often a subdomain of the
 * zone the DNS provider holds (`home.example.com` in the Cloudflare zone `example.com`); the
 * Cloudflare provider of external-dns drops every zone its `domainFilters` do not match, so the
 * filter must name the zone, not the domain.
 */
import { isRfc1123Subdomain } from "./names.js";
import { describeValue, type ProblemCollector, type SpecPath } from "./problems.js";

/** The DNS zone of the lab and whether its records are published automatically. */
export interface DnsSpec {
  /**
   * The zone at the DNS provider (Cloudflare) that holds the lab's domain: the domain itself or a
   * parent of it (`example.com` for the domain `home.example.com`).
   * @default the lab's domain (`network.domain`)
   */
  readonly zone?: string;
  /**
   * external-dns publishes every Ingress host of the lab in the zone (Cloudflare, API token with
   * Zone:DNS:Edit and Zone:Zone:Read). With `false` external-dns is left out and synth warns about
   * every host name nothing publishes: add those records at your DNS provider yourself.
   * @default true
   */
  readonly publish?: boolean;
}

/** The validated DNS options. */
export interface Dns {
  /** The zone at the DNS provider: the domain or a parent of it. */
  readonly zone: string;
  /** Whether external-dns publishes the lab's host names. */
  readonly publish: boolean;
}

/** True when `name` is `zone` or a name under it. */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/**
 * Validates `kubernetes.dns` (at `path`) against the lab's domain, reporting into `c`; always
 * returns usable options (the defaults where a value is wrong).
 */
export function validateDns(c: ProblemCollector, path: SpecPath, value: unknown, domain: string | undefined): Dns {
  const fallback: Dns = { zone: domain ?? "", publish: true };
  if (value === undefined) return fallback;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    c.error(
      path,
      `must be the DNS options (an object), got ${describeValue(value)}`,
      'Write it as { zone: "example.com" }.',
    );
    return fallback;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (key !== "zone" && key !== "publish")
      c.error([...path, key], "is not a field of the DNS options", "Remove it; the fields are zone, publish.");
  }
  let publish = true;
  if (obj.publish !== undefined) {
    if (typeof obj.publish === "boolean") publish = obj.publish;
    else c.error([...path, "publish"], `must be true or false, got ${describeValue(obj.publish)}`, "Use a boolean.");
  }
  let zone = fallback.zone;
  if (obj.zone !== undefined) {
    const z = obj.zone;
    if (typeof z !== "string" || z.split(".").length < 2 || !isRfc1123Subdomain(z)) {
      c.error(
        [...path, "zone"],
        `${describeValue(z)} is not a DNS zone`,
        'Use the zone as your DNS provider names it, in lowercase, e.g. "example.com".',
      );
    } else if (domain !== undefined && domain !== "" && !isInZone(domain, z)) {
      c.error(
        [...path, "zone"],
        `the domain "${domain}" (network.domain) is not in the zone "${z}"`,
        `Use the zone that holds the domain: "${domain}" itself or a parent of it (e.g. "${parentOf(domain)}").`,
      );
    } else zone = z;
  }
  return { zone, publish };
}

function parentOf(domain: string): string {
  const labels = domain.split(".");
  return labels.length > 2 ? labels.slice(1).join(".") : domain;
}
