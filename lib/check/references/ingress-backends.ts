/** `ingress-backends`: every Ingress backend names a Service of the lab, and a port it has (by number or name). */
import { documentIndex } from "../document-index.js";
import type { Check } from "../check.js";
import type { CheckContext, CheckedDocument } from "../context.js";
import type { Finding } from "../finding.js";
import {
  type JsonMap,
  type Segments,
  at,
  didYouMean,
  externals,
  finding,
  isKind,
  isMap,
  namespaceOf,
  nameOf,
  str,
} from "./lab.js";

const ID = "ingress-backends";

/** Every backend of an Ingress, with its path. */
function backends(d: CheckedDocument): { backend: JsonMap; path: Segments }[] {
  const out: { backend: JsonMap; path: Segments }[] = [];
  const def = at(d.doc, ["spec", "defaultBackend"]);
  if (isMap(def)) out.push({ backend: def, path: ["spec", "defaultBackend"] });
  const rules = at(d.doc, ["spec", "rules"]);
  if (!Array.isArray(rules)) return out;
  rules.forEach((r, i) => {
    const paths = at(r, ["http", "paths"]);
    if (!Array.isArray(paths)) return;
    paths.forEach((p, j) => {
      const backend = isMap(p) ? p.backend : undefined;
      if (isMap(backend)) out.push({ backend, path: ["spec", "rules", i, "http", "paths", j, "backend"] });
    });
  });
  return out;
}

function run(ctx: CheckContext): Finding[] {
  const services = new Map<string, CheckedDocument>();
  const index = documentIndex(ctx);
  for (const d of index.ofKind("Service"))
    if (isKind(d, "", "Service")) services.set(`${namespaceOf(d)}/${nameOf(d)}`, d);
  const external = new Set(
    externals(ctx)
      .filter((e) => e.kind === "Service")
      .map((e) => `${e.namespace}/${e.name}`),
  );
  const findings: Finding[] = [];
  for (const d of index.ofKind("Ingress")) {
    if (!isKind(d, "networking.k8s.io", "Ingress")) continue;
    const ns = namespaceOf(d);
    for (const { backend, path } of backends(d)) {
      const service = backend.service;
      if (!isMap(service)) continue; // a `resource` backend names no Service
      const name = str(service.name) ?? "";
      const target = services.get(`${ns}/${name}`);
      if (target === undefined) {
        if (external.has(`${ns}/${name}`)) continue;
        const known = [...services.values()].filter((s) => namespaceOf(s) === ns).map(nameOf);
        findings.push(
          finding(
            ID,
            "error",
            d,
            [...path, "service", "name"],
            `backend Service ${ns}/${name} does not exist: the lab renders no Service of that name in ${ns}`,
            `Name a Service of namespace ${ns} (${known.join(", ") || "it has none"}), or declare one made ` +
              `outside the lab with declareExternal(scope, { kind: "Service", namespace: "${ns}", name: "${name}", ` +
              `reason }).${didYouMean(name, known)}`,
          ),
        );
        continue;
      }
      const port = isMap(service.port) ? service.port : {};
      const ports = (
        Array.isArray(at(target.doc, ["spec", "ports"])) ? (at(target.doc, ["spec", "ports"]) as unknown[]) : []
      ).filter(isMap);
      const listed = ports.map((p) => (p.name === undefined ? `${p.port}` : `${p.port} (${p.name})`)).join(", ");
      if (typeof port.number === "number") {
        if (!ports.some((p) => p.port === port.number)) {
          findings.push(
            finding(
              ID,
              "error",
              d,
              [...path, "service", "port", "number"],
              `Service ${ns}/${name} has no port ${port.number} (its ports: ${listed || "none"})`,
              "Use one of the Service's ports, by number or by name.",
            ),
          );
        }
      } else if (typeof port.name === "string") {
        if (!ports.some((p) => p.name === port.name)) {
          findings.push(
            finding(
              ID,
              "error",
              d,
              [...path, "service", "port", "name"],
              `Service ${ns}/${name} has no port named "${port.name}" (its ports: ${listed || "none"})`,
              `Use one of the Service's ports, by number or by name.${didYouMean(
                port.name,
                ports.flatMap((p) => (typeof p.name === "string" ? [p.name] : [])),
              )}`,
            ),
          );
        }
      }
    }
  }
  return findings;
}

/** The check. */
export const ingressBackends: Check = {
  id: ID,
  doc: "Every Ingress backend names a Service of the lab and one of its ports (by number or name).",
  severity: "error",
  skippable: false,
  run,
};
