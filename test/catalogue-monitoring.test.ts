/**
 * The catalogue of bad monitoring inputs: alert rules and dashboards whose PromQL does not parse (Prometheus' own
 * grammar, the `promql` check) and a lab rule that takes a built-in rule's name. Each is refused by the real
 * writer with exit 1, the offending value's path, a message naming the rule, and nothing written.
 */
import { ApiObject } from "cdk8s";
import { afterAll, describe, it } from "vitest";
import { addInfrastructure, type AlertRule, type HomelabApp } from "../lib/k8s/index.js";
import { type BadInput, CatalogueProject } from "./helpers/catalogue.js";

/** The fixture lab's infrastructure with monitoring and `rules`. */
const withRules =
  (rules: readonly AlertRule[]) =>
  (app: HomelabApp): void =>
    void addInfrastructure(app, { monitoring: { rules } });

/** The fixture lab's infrastructure with monitoring, plus a raw object in the apps layer. */
const withObject =
  (obj: object) =>
  (app: HomelabApp): void => {
    addInfrastructure(app, { monitoring: {} });
    new ApiObject(app.apps, "extra", obj as never);
  };

const CASES: readonly BadInput[] = [
  {
    name: "a lab rule whose expression does not parse",
    kubernetes: withRules([
      {
        alert: "BuildFailed",
        expr: 'increase(homelab_deploy_build_host_total{status="failure"}[1h] > 0',
        severity: "warning",
        summary: "a build failed",
      },
    ]),
    path: "spec.groups[1].rules[0].expr",
    message: /alert "BuildFailed" \(group "homelab-rules"\) does not parse: PromQL syntax error/,
  },
  {
    name: "a PrometheusRule of the lab's own with a typo in its expression",
    kubernetes: withObject({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name: "backups", namespace: "monitoring" },
      spec: { groups: [{ name: "backups", rules: [{ record: "job:up:sum", expr: "sum by (job (up)" }] }] },
    }),
    path: "spec.groups[0].rules[0].expr",
    message: /recording rule "job:up:sum" \(group "backups"\) does not parse/,
  },
  {
    name: "a Grafana dashboard whose panel query does not parse",
    kubernetes: withObject({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "dashboard-builds", namespace: "monitoring", labels: { grafana_dashboard: "1" } },
      data: {
        "builds.json": JSON.stringify({
          title: "Builds",
          panels: [{ title: "Failures", targets: [{ expr: "rate(homelab_deploy_builds_total[5m]" }] }],
        }),
      },
    }),
    path: 'data["builds.json"].panels[0].targets[0].expr',
    message: /panel "Failures" of dashboard builds\.json does not parse/,
  },
  {
    name: "a Grafana dashboard that is not JSON",
    kubernetes: withObject({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "dashboard-broken", namespace: "monitoring", labels: { grafana_dashboard: "1" } },
      data: { "broken.json": '{"title": "Broken", "panels": [' },
    }),
    path: 'data["broken.json"]',
    message: /dashboard broken\.json is not valid JSON/,
  },
  {
    name: "a lab rule named like a built-in rule",
    kubernetes: withRules([{ alert: "HostDown", expr: "up == 0", severity: "critical", summary: "down" }]),
    path: "monitoring.rules[0].alert",
    message: /"HostDown" is already an alert name: give the rule another name/,
  },
  {
    name: "a lab rule whose name Prometheus does not take",
    kubernetes: withRules([{ alert: "build failed", expr: "up == 0", severity: "critical", summary: "down" }]),
    path: "monitoring.rules[0].alert",
    message: /"build failed" is not a metric-style name/,
  },
];

describe("bad monitoring inputs are refused with the rule's name and path, nothing written", () => {
  const project = new CatalogueProject();
  afterAll(() => project.remove());
  for (const bad of CASES) it(bad.name, () => void project.expectRefused(bad));
});
