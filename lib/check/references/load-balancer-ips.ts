/**
 * `load-balancer-ips`: every load-balancer IP the lab asks MetalLB for (a Service's
 * `metallb.io/loadBalancerIPs` annotation or `spec.loadBalancerIP`, or the same in chart values) is
 * a reservation of the model (`network.loadBalancerIps`), inside the pool, and neither the LAN's
 * network nor its broadcast address; each reservation is held by one Service unless the Services
 * share it on purpose (`metallb.io/allow-shared-ip` with the same key, as Pi-hole's DNS over TCP
 * and UDP do).
 */
import { Ip, ipv4Problem } from "../../model/ip.js";
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { CheckContext, CheckedDocument } from "../context.js";
import type { Finding } from "../finding.js";
import { describeObject } from "../finding.js";
import { type JsonMap, type Segments, finding, isKind, isMap, str, walkMaps } from "./lab.js";

const ID = "load-balancer-ips";
const IPS_ANNOTATIONS = ["metallb.io/loadBalancerIPs", "metallb.universe.tf/loadBalancerIPs"];
const SHARED_ANNOTATIONS = ["metallb.io/allow-shared-ip", "metallb.universe.tf/allow-shared-ip"];

/** One Service's request for addresses (a Service document, or a service in a chart's values). */
interface Holder {
  readonly d: CheckedDocument;
  /** Each address asked for, with the path it is written at. */
  readonly ips: readonly { readonly text: string; readonly path: Segments }[];
  /** The `allow-shared-ip` key, when the Service shares its address on purpose. */
  readonly shareKey: string | undefined;
  /** Where the Service is described (for messages): the document, or the values path in a HelmRelease. */
  readonly where: string;
}

/** The holder of a map that may carry `annotations` and `loadBalancerIP` (a Service's metadata+spec, or chart values). */
function holderOf(
  d: CheckedDocument,
  annotations: unknown,
  annotationsPath: Segments,
  loadBalancerIp: unknown,
  loadBalancerIpPath: Segments,
  where: string,
): Holder | undefined {
  const ips: { text: string; path: Segments }[] = [];
  let shareKey: string | undefined;
  if (isMap(annotations)) {
    for (const key of IPS_ANNOTATIONS) {
      const v = str(annotations[key]);
      if (v === undefined) continue;
      for (const part of v.split(",")) ips.push({ text: part.trim(), path: [...annotationsPath, key] });
    }
    for (const key of SHARED_ANNOTATIONS) shareKey ??= str(annotations[key]);
  }
  const lb = str(loadBalancerIp);
  if (lb !== undefined && lb !== "") ips.push({ text: lb.trim(), path: loadBalancerIpPath });
  return ips.length === 0 ? undefined : { d, ips, shareKey: shareKey === "" ? undefined : shareKey, where };
}

/** Every Service (rendered, or configured in a chart's values) that asks for a load-balancer IP. */
function holders(ctx: CheckContext): Holder[] {
  const out: Holder[] = [];
  for (const d of documentIndex(ctx).ofKinds("Service", "HelmRelease")) {
    if (isKind(d, "", "Service")) {
      const meta = d.doc.metadata as JsonMap;
      const spec = isMap(d.doc.spec) ? d.doc.spec : {};
      const h = holderOf(
        d,
        meta.annotations,
        ["metadata", "annotations"],
        spec.loadBalancerIP,
        ["spec", "loadBalancerIP"],
        describeObject(d.doc),
      );
      if (h !== undefined) out.push(h);
    } else if (isKind(d, "helm.toolkit.fluxcd.io", "HelmRelease")) {
      const values = isMap(d.doc.spec) ? d.doc.spec.values : undefined;
      walkMaps(values, ["spec", "values"], (map, path) => {
        const h = holderOf(
          d,
          map.annotations,
          [...path, "annotations"],
          map.loadBalancerIP,
          [...path, "loadBalancerIP"],
          `${describeObject(d.doc)} (${path.slice(2).join(".") || "values"})`,
        );
        if (h !== undefined) out.push(h);
      });
    }
  }
  return out;
}

function run(ctx: CheckContext): Finding[] {
  const lab = ctx.homelab;
  const findings: Finding[] = [];
  const reservations = [...lab.loadBalancerIps.entries()];
  const pool = lab.metallbPool.map((r) => r.toString()).join(", ");
  const byIp = new Map<number, { holder: Holder; path: Segments }[]>();
  for (const holder of holders(ctx)) {
    const seen = new Set<number>();
    for (const { text, path } of holder.ips) {
      const problem = ipv4Problem(text);
      if (problem !== undefined) {
        findings.push(finding(ID, "error", holder.d, path, `load-balancer IP: ${problem}`, fixFor("an address")));
        continue;
      }
      const ip = Ip.of(text);
      const reserved = reservations.find(([, r]) => r.equals(ip));
      if (reserved === undefined) {
        const why = lab.lan.isNetworkOrBroadcast(ip)
          ? `is the ${ip.equals(lab.lan.network) ? "network" : "broadcast"} address of the LAN ${lab.lan.toString()}`
          : !lab.metallbPool.some((r) => r.contains(ip))
            ? `is outside the MetalLB pool (${pool})`
            : "is in the MetalLB pool but not a reservation of the model";
        findings.push(
          finding(ID, "error", holder.d, path, `load-balancer IP ${ip.toString()} ${why}`, fixFor(ip.toString())),
        );
        continue;
      }
      if (seen.has(ip.value)) continue;
      seen.add(ip.value);
      byIp.set(ip.value, [...(byIp.get(ip.value) ?? []), { holder, path }]);
    }
  }
  for (const [value, held] of byIp) {
    if (held.length < 2) continue;
    const first = held[0]!.holder;
    const shared = first.shareKey !== undefined && held.every((h) => h.holder.shareKey === first.shareKey);
    if (shared) continue;
    const [name] = reservations.find(([, r]) => r.value === value)!;
    for (const { holder, path } of held.slice(1)) {
      findings.push(
        finding(
          ID,
          "error",
          holder.d,
          path,
          `load-balancer IP ${Ip.fromNumber(value).toString()} (network.loadBalancerIps.${name}) is also held by ` +
            `${first.where} in ${first.d.file}; MetalLB gives a reservation to one Service only`,
          "Give each Service its own reservation, or let them share it on purpose with the same " +
            "metallb.io/allow-shared-ip annotation on both (as Pi-hole's DNS Services over TCP and UDP do).",
        ),
      );
    }
  }
  return findings;
}

function fixFor(what: string): string {
  return (
    `Reserve ${what} in network.loadBalancerIps (a host address inside network.metallbPool), e.g. ` +
    '{ myApp: "<address>" }, and take it with homelab.loadBalancerIp("myApp") instead of writing it down.'
  );
}

/** The check. */
export const loadBalancerIps: Check = {
  id: ID,
  doc: "Every load-balancer IP is a model reservation inside the MetalLB pool, held by one Service unless shared on purpose.",
  severity: "error",
  skippable: false,
  run,
};
