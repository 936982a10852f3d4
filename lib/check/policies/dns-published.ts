/**
 * `dns-published`: every host name an Ingress serves is published in the lab's DNS zone. external-dns
 * publishes only names inside `kubernetes.dns.zone` (its domain filter), and nothing at all when the
 * model says `kubernetes.dns.publish: false`; a name left unpublished never resolves for clients.
 */
import { isInZone } from "../../model/dns.js";
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { CheckedDocument } from "../context.js";
import { describeObject, type Finding } from "../finding.js";

const ID = "dns-published";

/** Hosts served: an Ingress's rules, or a HelmRelease whose chart makes an Ingress (`values.ingress`). */
function servedHosts(d: CheckedDocument): { host: string; path: string }[] {
  const doc = d.doc as { kind: string; apiVersion: string; spec?: Record<string, unknown> };
  if (doc.kind === "Ingress" && doc.apiVersion.startsWith("networking.k8s.io/")) {
    const rules = Array.isArray(doc.spec?.rules) ? (doc.spec.rules as { host?: unknown }[]) : [];
    return rules.flatMap((r, i) =>
      typeof r.host === "string" ? [{ host: r.host, path: `spec.rules[${i}].host` }] : [],
    );
  }
  if (doc.kind === "HelmRelease" && doc.apiVersion.startsWith("helm.toolkit.fluxcd.io/")) {
    const ingress = (doc.spec?.values as { ingress?: { enabled?: unknown; hosts?: unknown } } | undefined)?.ingress;
    if (ingress?.enabled !== true || !Array.isArray(ingress.hosts)) return [];
    return ingress.hosts.flatMap((h, i) =>
      typeof h === "string" ? [{ host: h, path: `spec.values.ingress.hosts[${i}]` }] : [],
    );
  }
  return [];
}

/** The check: a warning for every served host name that nothing publishes. */
export const dnsPublished: Check = {
  id: ID,
  doc: "Every Ingress host name is published in the lab's DNS zone (kubernetes.dns) by external-dns.",
  severity: "warning",
  skippable: true,
  run(ctx) {
    // A lab without Kubernetes serves no host (its `kubernetes` getter would throw).
    const k = ctx.homelab.kubernetesOptions;
    if (k === undefined) return [];
    const { zone, publish } = k.dns;
    const findings: Finding[] = [];
    for (const d of documentIndex(ctx).ofKinds("Ingress", "HelmRelease")) {
      for (const { host, path } of servedHosts(d)) {
        const at = { check: ID, severity: "warning" as const, file: d.file, object: describeObject(d.doc), path };
        if (!publish) {
          findings.push({
            ...at,
            construct: d.construct,
            message:
              `nothing publishes "${host}": the model says kubernetes.dns.publish is false, ` +
              "so external-dns is left out",
            fix:
              `Add a record for "${host}" at your DNS provider (or in Pi-hole) pointing at the ingress address, ` +
              "or set kubernetes.dns.publish to true.",
          });
        } else if (!isInZone(host, zone)) {
          findings.push({
            ...at,
            construct: d.construct,
            message:
              `"${host}" is outside the DNS zone "${zone}" (kubernetes.dns.zone), ` +
              "so external-dns never publishes it",
            fix:
              `Serve the app at a name under "${zone}", ` +
              `or set kubernetes.dns.zone to the zone that holds "${host}".`,
          });
        }
      }
    }
    return findings;
  },
};
