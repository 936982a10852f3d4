/**
 * `promql` (an error): every PromQL expression the lab renders parses with Prometheus' own grammar, so a typo in
 * an alert rule stops synth instead of leaving a PrometheusRule the operator rejects or never fires. It reads the
 * expressions of PrometheusRules (`spec.groups[].rules[].expr`) and of Grafana dashboards (ConfigMaps labelled
 * `grafana_dashboard`, `panels[].targets[].expr`), and names the rule or panel.
 */
import type { Check } from "../check.js";
import type { CheckContext, CheckedDocument } from "../context.js";
import { describeObject, type Finding } from "../finding.js";
import { promqlSyntaxError } from "../promql.js";

/** The check's id. */
export const PROMQL_CHECK_ID = "promql";

/** The label Grafana's dashboard sidecar looks for. */
export const GRAFANA_DASHBOARD_LABEL = "grafana_dashboard";

type Json = Record<string, unknown>;
const isMap = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function finding(d: CheckedDocument, path: string, what: string, expr: string): Finding | undefined {
  const error = promqlSyntaxError(expr);
  if (error === undefined) return undefined;
  return {
    check: PROMQL_CHECK_ID,
    severity: "error",
    file: d.file,
    object: describeObject(d.doc),
    path,
    construct: d.construct,
    message: `${what} does not parse: ${error.message}`,
    fix: "Correct the expression (try it in Prometheus' query page)",
  };
}

function ruleFindings(d: CheckedDocument): Finding[] {
  const out: Finding[] = [];
  const spec = (d.doc as { spec?: unknown }).spec;
  list(isMap(spec) ? spec.groups : undefined).forEach((group, g) => {
    if (!isMap(group)) return;
    list(group.rules).forEach((rule, r) => {
      if (!isMap(rule) || typeof rule.expr !== "string") return;
      const name = typeof rule.alert === "string" ? `alert "${rule.alert}"` : `recording rule "${String(rule.record)}"`;
      const f = finding(d, `spec.groups[${g}].rules[${r}].expr`, `${name} (group "${String(group.name)}")`, rule.expr);
      if (f !== undefined) out.push(f);
    });
  });
  return out;
}

function dashboardFindings(d: CheckedDocument): Finding[] {
  const out: Finding[] = [];
  const data = (d.doc as { data?: unknown }).data;
  if (!isMap(data)) return out;
  for (const [key, text] of Object.entries(data)) {
    if (typeof text !== "string" || !key.endsWith(".json")) continue;
    let dashboard: unknown;
    try {
      dashboard = JSON.parse(text);
    } catch (e) {
      out.push({
        check: PROMQL_CHECK_ID,
        severity: "error",
        file: d.file,
        object: describeObject(d.doc),
        path: `data["${key}"]`,
        construct: d.construct,
        message: `dashboard ${key} is not valid JSON: ${(e as Error).message}`,
        fix: "Write the dashboard as JSON (export it from Grafana)",
      });
      continue;
    }
    const panels = isMap(dashboard) ? list(dashboard.panels) : [];
    panels.forEach((panel, p) => {
      if (!isMap(panel)) return;
      list(panel.targets).forEach((target, t) => {
        if (!isMap(target) || typeof target.expr !== "string") return;
        const title = `panel "${String(panel.title)}" of dashboard ${key}`;
        const f = finding(d, `data["${key}"].panels[${p}].targets[${t}].expr`, title, target.expr);
        if (f !== undefined) out.push(f);
      });
    });
  }
  return out;
}

function run(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  for (const d of ctx.documents) {
    const { kind, apiVersion } = d.doc;
    if (kind === "PrometheusRule" && apiVersion.startsWith("monitoring.coreos.com/")) out.push(...ruleFindings(d));
    const labels = (d.doc as { metadata?: { labels?: Record<string, unknown> } }).metadata?.labels;
    if (kind === "ConfigMap" && apiVersion === "v1" && labels?.[GRAFANA_DASHBOARD_LABEL] !== undefined)
      out.push(...dashboardFindings(d));
  }
  return out;
}

/** Every PromQL expression of the rendered rules and dashboards parses. */
export const promqlCheck: Check = {
  id: PROMQL_CHECK_ID,
  doc: "Every PromQL expression (PrometheusRules, Grafana dashboards) parses with Prometheus' grammar.",
  severity: "error",
  skippable: false,
  run,
};
