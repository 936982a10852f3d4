/**
 * Monitoring derived from the model: kube-prometheus-stack (the Prometheus operator, Prometheus, Alertmanager,
 * kube-state-metrics and Grafana) with every host of the lab as a node_exporter target, the built-in and the lab's
 * alert rules as a PrometheusRule, and the dashboards as ConfigMaps for Grafana's sidecar.
 *
 * Where it goes, for Flux's ordering:
 * - `storage/kube-prometheus-stack`: the chart, with its CRDs. Prometheus keeps its samples on the lab's storage,
 *   and the apps (which wait for the storage layer) may then ship ServiceMonitors and PodMonitors.
 * - `storage/grafana-dashboards`: the dashboards (ConfigMaps need no CRD).
 * - `apps/alert-rules`: the PrometheusRule, applied once the storage layer (and so the operator's CRDs) is ready.
 * - `apps/controller-monitors`: a PodMonitor per controller the lab installs (controller-monitors.ts).
 */
import { Duration, Size } from "cdk8s";
import { Cpu, k8s } from "cdk8s-plus-30";
import { Construct } from "constructs";
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from "../../../imports/monitoring.coreos.com.js";
import { GRAFANA_DASHBOARD_LABEL } from "../../check/schema/promql.js";
import type { Homelab } from "../../model/homelab.js";
import { monitoringTargets } from "../../model/monitoring.js";
import { commonLabels } from "../defaults.js";
import type { HomelabApp } from "../homelab-app.js";
import { ensureNamespace } from "../namespace.js";
import { CHARTS } from "../infrastructure/charts.js";
import { CLUSTER_ISSUER_ANNOTATION, CLUSTER_ISSUER_NAME, ingressClassName } from "../infrastructure/conventions.js";
import { HelmApp, type HelmValues } from "../infrastructure/helm-app.js";
import { helmResources, mergeValues } from "../infrastructure/values.js";
import { type AlertRule, BUILTIN_ALERT_RULES } from "./alert-rule.js";
import { CLUSTER_DASHBOARD, type Dashboard, NODE_DASHBOARD, dashboardJson } from "./dashboards.js";
import type { MonitoringOptions } from "./monitoring-props.js";
import { MONITORING_STACK_ID } from "./metrics.js";
import { addControllerMonitorsUnit, type ControllerMetrics, fluxStateMetrics } from "./controller-monitors.js";
import { promDuration } from "./prom-duration.js";
import type { KubePrometheusStackValuesOverrides } from "./values.js";

export { promDuration } from "./prom-duration.js";

/** Namespace of the monitoring stack. */
export const MONITORING_NAMESPACE = "monitoring";

/** The job name of the hosts' node_exporter targets (the built-in rules and the node dashboard select it). */
export const NODE_JOB = "node";

/** What {@link addMonitoring} made. */
export interface Monitoring {
  /** kube-prometheus-stack (`storage/kube-prometheus-stack`). */
  readonly stack: HelmApp;
  /** The alert rules (`apps/alert-rules`). */
  readonly rules: PrometheusRule;
  /** Grafana's address, `https://<subdomain>.<domain>/`. */
  readonly grafanaUrl: string;
}

const res = (millicores: number, mebibytes: number) =>
  helmResources({ cpu: Cpu.millis(millicores), memory: Size.mebibytes(mebibytes) });

/** Prometheus' scrape configuration of every host's node_exporter, labelled hostname, roles, arch. */
export function hostScrapeConfig(lab: Homelab): Record<string, unknown> {
  return {
    job_name: NODE_JOB,
    static_configs: monitoringTargets(lab).map((t) => ({ targets: [t.target], labels: { ...t.labels } })),
  };
}

function stackValues(lab: Homelab, options: MonitoringOptions, grafanaHost: string): HelmValues {
  const interval = promDuration(options.scrapeInterval ?? Duration.minutes(1));
  const memory = options.prometheusMemory ?? Size.mebibytes(256);
  const receiver = options.receiver;
  const values = {
    crds: { enabled: true },
    // Our own rules (alert-rules) replace the chart's ~200, most of them for control-plane parts k3s embeds.
    defaultRules: { create: false },
    nodeExporter: { enabled: false },
    // k3s runs these inside its one binary: there is nothing to scrape at the chart's endpoints.
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeProxy: { enabled: false },
    kubeEtcd: { enabled: false },
    prometheusOperator: { resources: res(20, 48) },
    "kube-state-metrics": { resources: res(10, 32), ...fluxStateMetrics() },
    prometheus: {
      prometheusSpec: {
        retention: promDuration(options.retention ?? Duration.days(7)),
        scrapeInterval: interval,
        evaluationInterval: interval,
        resources: helmResources({ cpu: Cpu.millis(100), memory }),
        // Select every ServiceMonitor, PodMonitor and PrometheusRule of the cluster, not only the chart's own.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        additionalScrapeConfigs: [hostScrapeConfig(lab)],
        storageSpec: {
          volumeClaimTemplate: {
            spec: {
              storageClassName: lab.kubernetes.storageClass,
              accessModes: ["ReadWriteOnce"],
              resources: { requests: { storage: `${(options.storage ?? Size.gibibytes(4)).toGibibytes()}Gi` } },
            },
          },
        },
      },
    },
    alertmanager: {
      enabled: true,
      alertmanagerSpec: {
        resources: res(10, 32),
        ...(receiver === undefined ? {} : { secrets: [receiver.secret] }),
      },
      ...(receiver === undefined
        ? {}
        : {
            config: {
              route: {
                receiver: "lab",
                group_by: ["alertname", "hostname", "namespace"],
                routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }],
              },
              receivers: [{ name: "null" }, { name: "lab", ...receiver.config }],
            },
          }),
    },
    grafana: {
      enabled: true,
      admin: {
        existingSecret: options.grafanaAdminSecret ?? "grafana-admin",
        userKey: "admin-user",
        passwordKey: "admin-password",
      },
      ingress: {
        enabled: true,
        ingressClassName: ingressClassName(lab),
        annotations: { [CLUSTER_ISSUER_ANNOTATION]: CLUSTER_ISSUER_NAME },
        hosts: [grafanaHost],
        path: "/",
        tls: [{ secretName: "grafana-tls", hosts: [grafanaHost] }],
      },
      resources: res(50, 128),
      sidecar: {
        dashboards: { enabled: true, label: GRAFANA_DASHBOARD_LABEL, labelValue: "1", searchNamespace: "ALL" },
      },
    },
  } satisfies KubePrometheusStackValuesOverrides;
  return values;
}

/** The rules as a PrometheusRule group's `rules`. */
function ruleSpec(rules: readonly AlertRule[]) {
  return rules.map((r) => ({
    alert: r.alert,
    expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
    ...(r.for === undefined ? {} : { for: promDuration(r.for) }),
    labels: { severity: r.severity },
    annotations: { summary: r.summary, ...(r.description === undefined ? {} : { description: r.description }) },
  }));
}

/** Problems of the lab's rules: an alert name used twice, a name Prometheus does not take. */
function ruleProblems(rules: readonly AlertRule[]): string[] {
  const problems: string[] = [];
  const seen = new Set(BUILTIN_ALERT_RULES.map((r) => r.alert));
  rules.forEach((r, i) => {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(r.alert))
      problems.push(`monitoring.rules[${i}].alert "${r.alert}" is not a metric-style name: use letters, digits and _`);
    else if (seen.has(r.alert))
      problems.push(`monitoring.rules[${i}].alert "${r.alert}" is already an alert name: give the rule another name`);
    seen.add(r.alert);
  });
  return problems;
}

/** One ConfigMap per dashboard, labelled for Grafana's sidecar. */
function addDashboards(scope: Construct, lab: Homelab, dashboards: readonly Dashboard[]): void {
  const ns = ensureNamespace(scope, MONITORING_NAMESPACE, "baseline");
  for (const d of dashboards) {
    new k8s.KubeConfigMap(scope, d.uid, {
      metadata: {
        name: `dashboard-${d.uid}`,
        namespace: ns,
        labels: { ...commonLabels(lab.name), [GRAFANA_DASHBOARD_LABEL]: "1" },
      },
      data: { [`${d.uid}.json`]: dashboardJson(d) },
    });
  }
}

/** Adds the monitoring stack to the lab's layers (see the file's comment). */
export function addMonitoring(
  app: HomelabApp,
  lab: Homelab,
  options: MonitoringOptions,
  controllers: readonly ControllerMetrics[] = [],
): Monitoring {
  const grafanaHost = lab.fqdn(options.grafanaSubdomain ?? "grafana");
  const stack = new HelmApp(app.storage, MONITORING_STACK_ID, {
    chart:
      options.version === undefined
        ? CHARTS.kubePrometheusStack
        : CHARTS.kubePrometheusStack.withVersion(options.version),
    namespace: MONITORING_NAMESPACE,
    // Grafana's and Prometheus' pods run as non-root; "baseline" leaves room for the chart's hooks.
    podSecurity: "baseline",
    crds: true,
    waitStrategy: "poller",
    timeout: Duration.minutes(10),
    values: mergeValues(stackValues(lab, options, grafanaHost), options.values),
  });
  app.storage.expectSecret(
    MONITORING_NAMESPACE,
    options.grafanaAdminSecret ?? "grafana-admin",
    "Grafana's admin account (keys admin-user, admin-password)",
  );
  if (options.receiver !== undefined)
    app.storage.expectSecret(MONITORING_NAMESPACE, options.receiver.secret, options.receiver.purpose);

  addDashboards(new Construct(app.storage, "grafana-dashboards"), lab, [NODE_DASHBOARD, CLUSTER_DASHBOARD]);

  const unit = new Construct(app.apps, "alert-rules");
  const ns = ensureNamespace(unit, MONITORING_NAMESPACE, "baseline");
  const user = options.rules ?? [];
  const rules = new PrometheusRule(unit, "rules", {
    metadata: { name: "homelab", namespace: ns, labels: commonLabels(lab.name) },
    spec: {
      groups: [
        { name: "homelab", rules: ruleSpec(BUILTIN_ALERT_RULES) },
        ...(user.length > 0 ? [{ name: `${lab.name}-rules`, rules: ruleSpec(user) }] : []),
      ],
    },
  });
  if (controllers.length > 0) addControllerMonitorsUnit(app.apps, lab, ns, controllers);
  const problems = ruleProblems(user);
  if (problems.length > 0) rules.node.addValidation({ validate: () => problems });
  return { stack, rules, grafanaUrl: `https://${grafanaHost}/` };
}
