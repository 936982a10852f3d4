/**
 * The lab page's "Monitoring" section: what is watched, read from the rendered documents (what Flux applies):
 * where Grafana is, the scrape targets per host (the monitoring chart's additional scrape configs), the
 * ServiceMonitors and PodMonitors, and the alert rules of every PrometheusRule. Empty for a lab without a
 * monitoring stack, so its page is unchanged.
 */
import { documentsOf, isKubernetesFile, type KubeDocument, readDocuments } from "../diff/documents.js";
import { compareStrings } from "../model/order.js";
import type { LabOverviewInput } from "./overview.js";

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");

function at(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const k of path) cur = isMap(cur) ? cur[k] : undefined;
  return cur;
}

/** The rendered Kubernetes documents, in file order. */
function documents(input: LabOverviewInput): KubeDocument[] {
  const docs: KubeDocument[] = [];
  for (const [path, text] of [...input.files].sort(([a], [b]) => compareStrings(a, b))) {
    if (!isKubernetesFile(path)) continue;
    const values = input.documents?.get(path);
    docs.push(...(values === undefined ? readDocuments(path, text) : documentsOf(path, values)));
  }
  return docs;
}

/** The section's lines (no trailing blank line), or [] when the lab renders no kube-prometheus-stack. */
export function monitoringSection(
  input: LabOverviewInput,
  cell: (text: string) => string,
  table: (head: readonly string[], rows: readonly (readonly string[])[]) => string[],
): string[] {
  const docs = documents(input);
  const stack = docs.find(
    (d) => d.kind === "HelmRelease" && at(d.body, ["spec", "chart", "spec", "chart"]) === "kube-prometheus-stack",
  );
  if (stack === undefined) return [];
  const values = at(stack.body, ["spec", "values"]);
  const prom = at(values, ["prometheus", "prometheusSpec"]);
  const grafana = list(at(values, ["grafana", "ingress", "hosts"])).map(str);
  const targets: string[][] = [];
  for (const job of list(at(prom, ["additionalScrapeConfigs"]))) {
    for (const sc of list(at(job, ["static_configs"]))) {
      const labels = at(sc, ["labels"]);
      const host = str(at(labels, ["hostname"]));
      for (const t of list(at(sc, ["targets"])))
        targets.push([host || "-", str(t), str(at(job, ["job_name"])), str(at(labels, ["roles"]))]);
    }
  }
  const monitors = docs
    .filter((d) => (d.kind === "ServiceMonitor" || d.kind === "PodMonitor") && d.apiVersion.startsWith("monitoring."))
    .map((d) => [d.name, d.namespace, d.kind]);
  const rules: string[][] = [];
  for (const d of docs.filter((x) => x.kind === "PrometheusRule")) {
    for (const g of list(at(d.body, ["spec", "groups"])))
      for (const r of list(at(g, ["rules"]))) {
        if (!isMap(r) || typeof r.alert !== "string") continue;
        rules.push([
          r.alert,
          str(at(r, ["labels", "severity"])),
          str(r.for) || "-",
          str(at(r, ["annotations", "summary"])),
        ]);
      }
  }
  return [
    "## Monitoring",
    "",
    `kube-prometheus-stack ${cell(str(at(stack.body, ["spec", "chart", "spec", "version"])))} in namespace ` +
      `${cell(stack.namespace)}: retention ${cell(str(at(prom, ["retention"])) || "the chart's default")}, ` +
      `scrape interval ${cell(str(at(prom, ["scrapeInterval"])) || "the chart's default")}. ` +
      (grafana.length > 0
        ? `Grafana: ${grafana.map((h) => `https://${cell(h)}/`).join(", ")}.`
        : "Grafana has no Ingress."),
    "",
    "### Scrape targets",
    "",
    ...(targets.length === 0 ? ["No host target."] : table(["Host", "Target", "Job", "Roles"], targets)),
    "",
    ...(monitors.length === 0 ? [] : [...table(["Monitor", "Namespace", "Kind"], monitors), ""]),
    "### Alert rules",
    "",
    ...(rules.length === 0 ? ["No alert rule."] : table(["Alert", "Severity", "For", "Summary"], rules)),
  ];
}
