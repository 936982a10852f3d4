/**
 * `ingress-hosts`: every host an Ingress serves (rendered, or in a chart's `ingress.hosts` values) is
 * the lab's domain or under it, and no two Ingresses claim the same host.
 */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { CheckContext, CheckedDocument } from "../context.js";
import { describeObject, type Finding } from "../finding.js";
import { type Segments, at, finding, isKind, isMap, str, walkMaps } from "./lab.js";

const ID = "ingress-hosts";

/** A host named by an Ingress (or a chart's ingress values). */
interface HostUse {
  readonly d: CheckedDocument;
  readonly host: string;
  readonly path: Segments;
  /** Which Ingress: the document, or the values path of the ingress in a HelmRelease. */
  readonly owner: string;
  /** A rule's host (must be unique), or only a TLS host (must be under the domain). */
  readonly rule: boolean;
}

function uses(ctx: CheckContext): HostUse[] {
  const out: HostUse[] = [];
  for (const d of documentIndex(ctx).ofKinds("Ingress", "HelmRelease")) {
    if (isKind(d, "networking.k8s.io", "Ingress")) {
      const owner = describeObject(d.doc);
      const rules = at(d.doc, ["spec", "rules"]);
      if (Array.isArray(rules)) {
        rules.forEach((r, i) => {
          const host = isMap(r) ? str(r.host) : undefined;
          if (host !== undefined) out.push({ d, host, path: ["spec", "rules", i, "host"], owner, rule: true });
        });
      }
      const tls = at(d.doc, ["spec", "tls"]);
      if (Array.isArray(tls)) {
        tls.forEach((t, i) => {
          const hosts = isMap(t) ? t.hosts : undefined;
          if (!Array.isArray(hosts)) return;
          hosts.forEach((h, j) => {
            if (typeof h === "string")
              out.push({ d, host: h, path: ["spec", "tls", i, "hosts", j], owner, rule: false });
          });
        });
      }
    } else if (isKind(d, "helm.toolkit.fluxcd.io", "HelmRelease")) {
      walkMaps(at(d.doc, ["spec", "values"]), ["spec", "values"], (map, path) => {
        const ingress = map.ingress;
        if (!isMap(ingress) || ingress.enabled === false || !Array.isArray(ingress.hosts)) return;
        const owner = `${describeObject(d.doc)} (${[...path.slice(2), "ingress"].join(".")})`;
        ingress.hosts.forEach((h, i) => {
          const base = [...path, "ingress", "hosts", i];
          if (typeof h === "string") out.push({ d, host: h, path: base, owner, rule: true });
          else if (isMap(h) && typeof h.host === "string") {
            out.push({ d, host: h.host, path: [...base, "host"], owner, rule: true });
          }
        });
      });
    }
  }
  return out;
}

function run(ctx: CheckContext): Finding[] {
  const domain = ctx.homelab.domain;
  const findings: Finding[] = [];
  const claimed = new Map<string, HostUse>();
  for (const use of uses(ctx)) {
    const host = use.host.toLowerCase();
    const bare = host.startsWith("*.") ? host.slice(2) : host;
    if (bare !== domain && !bare.endsWith(`.${domain}`)) {
      findings.push(
        finding(
          ID,
          "error",
          use.d,
          use.path,
          `host "${use.host}" is not under the lab's domain ${domain} (network.domain): its certificate and ` +
            "DNS record would never be made",
          `Use a name under ${domain}, e.g. homelab.fqdn("${host.split(".")[0]}"), or change network.domain.`,
        ),
      );
    }
    if (!use.rule) continue;
    const prev = claimed.get(host);
    if (prev === undefined) claimed.set(host, use);
    else if (prev.owner !== use.owner) {
      findings.push(
        finding(
          ID,
          "error",
          use.d,
          use.path,
          `host "${use.host}" is also served by ${prev.owner} in ${prev.d.file}; the ingress controller would send ` +
            "its requests to one of them at random",
          "Give each app its own subdomain, or serve both paths from one Ingress.",
        ),
      );
    }
  }
  return findings;
}

/** The check. */
export const ingressHosts: Check = {
  id: ID,
  doc: "Ingress hosts are under the lab's domain and unique across the lab.",
  severity: "error",
  skippable: false,
  run,
};
