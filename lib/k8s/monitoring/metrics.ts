/**
 * Apps expose metrics in one line: `metrics: { port, path }` on a workload becomes a ServiceMonitor (the
 * Prometheus operator's CRD) selecting the app's Service, and a per-app Grafana dashboard. The lab's Prometheus
 * (kube-prometheus-stack, `monitoring` of `addInfrastructure`) selects every ServiceMonitor of the cluster.
 */
import type { Duration } from "cdk8s";
import { k8s } from "cdk8s-plus-30";
import type { Construct } from "constructs";
import { PodMonitor, ServiceMonitor } from "../../../imports/monitoring.coreos.com.js";
import { GRAFANA_DASHBOARD_LABEL } from "../../check/schema/promql.js";
import { HomelabApp } from "../homelab-app.js";
import { appDashboard, dashboardJson } from "./dashboards.js";
import { promDuration } from "./prom-duration.js";

/** Where an app serves its Prometheus metrics. */
export interface MetricsOptions {
  /**
   * The port the metrics are served on.
   * @default the app's own port
   */
  readonly port?: number;
  /**
   * The HTTP path of the metrics.
   * @default "/metrics"
   */
  readonly path?: string;
  /**
   * How often Prometheus scrapes them.
   * @default the lab's scrape interval (`monitoring.scrapeInterval`)
   */
  readonly interval?: Duration;
}

/** The id of the kube-prometheus-stack unit in the storage layer (see monitoring.ts). */
export const MONITORING_STACK_ID = "kube-prometheus-stack";

/** Whether the lab installs the monitoring stack (and so the operator's CRDs), once the tree is built. */
export function monitoringInstalled(scope: Construct): boolean {
  return HomelabApp.of(scope).storage.node.tryFindChild(MONITORING_STACK_ID) !== undefined;
}

/** What {@link addAppMonitoring} needs of the app. */
export interface MonitoredApp {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Labels of the Service to scrape. */
  readonly selector: Readonly<Record<string, string>>;
  /** The Service port's name to scrape. */
  readonly portName: string;
}

/**
 * A ServiceMonitor for the app's Service and its dashboard; problems (no monitoring stack, a bad path) are
 * reported at synth.
 */
export function addAppMonitoring(scope: Construct, app: MonitoredApp, metrics: MetricsOptions): ServiceMonitor {
  const path = metrics.path ?? "/metrics";
  const monitor = new ServiceMonitor(scope, "service-monitor", {
    metadata: { name: app.name, namespace: app.namespace, labels: { ...app.labels } },
    spec: {
      selector: { matchLabels: { ...app.selector } },
      endpoints: [
        {
          port: app.portName,
          path,
          ...(metrics.interval === undefined ? {} : { interval: promDuration(metrics.interval) }),
        },
      ],
    },
  });
  new k8s.KubeConfigMap(scope, "dashboard", {
    metadata: {
      name: `${app.name}-dashboard`,
      namespace: app.namespace,
      labels: { ...app.labels, [GRAFANA_DASHBOARD_LABEL]: "1" },
    },
    // The operator names a ServiceMonitor's job after the Service.
    data: { [`${app.name}.json`]: dashboardJson(appDashboard(app.name, app.name)) },
  });
  monitor.node.addValidation({
    validate: () => {
      const problems: string[] = [];
      if (!path.startsWith("/")) problems.push(`metrics.path "${path}" must start with "/", e.g. "/metrics"`);
      if (!monitoringInstalled(scope))
        problems.push(
          "metrics needs the Prometheus operator's CRDs (ServiceMonitor), which the lab does not install: " +
            "pass monitoring: {} to addInfrastructure(app, ...), or leave metrics out",
        );
      return problems;
    },
  });
  return monitor;
}

/**
 * A PodMonitor for a CloudNativePG Cluster's instances (their exporter serves on the container port `metrics`,
 * 9187), the way CloudNativePG's documentation asks for it now that `enablePodMonitor` is deprecated.
 */
export function addPostgresPodMonitor(
  scope: Construct,
  cluster: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> },
): PodMonitor {
  return new PodMonitor(scope, "pod-monitor", {
    metadata: { name: cluster.name, namespace: cluster.namespace, labels: { ...cluster.labels } },
    spec: {
      selector: { matchLabels: { "cnpg.io/cluster": cluster.name, "cnpg.io/podRole": "instance" } },
      podMetricsEndpoints: [{ port: "metrics" }],
    },
  });
}
