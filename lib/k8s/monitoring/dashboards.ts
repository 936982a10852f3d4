/**
 * Grafana dashboards as data: the node overview (CPU, memory and disk of every host, the queries the Odroid lab
 * documents, by the `hostname` label the model gives every target) and the k3s cluster (pods, CPU and memory
 * by namespace, restarts). Each becomes a ConfigMap labelled for Grafana's dashboard sidecar.
 */

/** One graph of a dashboard: a title and its PromQL queries. */
export interface DashboardPanel {
  readonly title: string;
  /** PromQL expressions, one series set each. */
  readonly queries: readonly { readonly expr: string; readonly legend: string }[];
  /**
   * Grafana's unit of the values, e.g. `percent`, `bytes`.
   * @default "short"
   */
  readonly unit?: string;
}

/** A dashboard: a stable uid (its URL), a title and its panels, laid out two per row. */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly DashboardPanel[];
}

/** The node overview: every host of the model, by hostname. */
export const NODE_DASHBOARD: Dashboard = {
  uid: "homelab-nodes",
  title: "Homelab / Nodes",
  panels: [
    {
      title: "CPU used",
      unit: "percent",
      queries: [
        {
          expr: '100 - (avg by (hostname) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100)',
          legend: "{{hostname}}",
        },
      ],
    },
    {
      title: "Memory available",
      unit: "percent",
      queries: [{ expr: "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100", legend: "{{hostname}}" }],
    },
    {
      title: "Root disk free",
      unit: "percent",
      queries: [
        {
          expr: 'node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"} * 100',
          legend: "{{hostname}}",
        },
      ],
    },
    {
      title: "Network received",
      unit: "Bps",
      queries: [
        {
          expr: 'sum by (hostname) (rate(node_network_receive_bytes_total{device!~"lo|veth.*|cni.*|flannel.*"}[5m]))',
          legend: "{{hostname}}",
        },
      ],
    },
    { title: "Hosts up", queries: [{ expr: 'up{job="node"}', legend: "{{hostname}}" }] },
    { title: "Load (1 min)", queries: [{ expr: "node_load1", legend: "{{hostname}}" }] },
  ],
};

/** The k3s cluster: what runs where, and what it costs. */
export const CLUSTER_DASHBOARD: Dashboard = {
  uid: "homelab-cluster",
  title: "Homelab / k3s cluster",
  panels: [
    { title: "Pods per node", queries: [{ expr: "count by (node) (kube_pod_info)", legend: "{{node}}" }] },
    {
      title: "CPU by namespace",
      queries: [
        {
          expr: 'sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=""}[5m]))',
          legend: "{{namespace}}",
        },
      ],
    },
    {
      title: "Memory by namespace",
      unit: "bytes",
      queries: [
        { expr: 'sum by (namespace) (container_memory_working_set_bytes{container!=""})', legend: "{{namespace}}" },
      ],
    },
    {
      title: "Container restarts (1 h)",
      queries: [
        {
          expr: "sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total[1h])) > 0",
          legend: "{{namespace}}/{{pod}}",
        },
      ],
    },
    {
      title: "Pods not running",
      queries: [
        { expr: 'sum by (namespace, phase) (kube_pod_status_phase{phase!~"Running|Succeeded"})', legend: "{{phase}}" },
      ],
    },
    {
      title: "Persistent volume used",
      unit: "percent",
      queries: [
        {
          expr: "kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes * 100",
          legend: "{{namespace}}/{{persistentvolumeclaim}}",
        },
      ],
    },
  ],
};

/** A per-app dashboard: the targets' health and request rate of the ServiceMonitors and PodMonitors of `job`. */
export function appDashboard(app: string, job: string): Dashboard {
  return {
    uid: `homelab-app-${app}`,
    title: `Homelab / ${app}`,
    panels: [
      { title: "Targets up", queries: [{ expr: `up{job="${job}"}`, legend: "{{pod}}" }] },
      {
        title: "Scrape duration",
        unit: "s",
        queries: [{ expr: `scrape_duration_seconds{job="${job}"}`, legend: "{{pod}}" }],
      },
    ],
  };
}

/** The dashboard as Grafana's JSON model (schemaVersion 39), with a Prometheus data source variable. */
export function dashboardJson(d: Dashboard): string {
  const datasource = { type: "prometheus", uid: "${datasource}" };
  const model = {
    uid: d.uid,
    title: d.title,
    tags: ["homelab"],
    timezone: "browser",
    schemaVersion: 39,
    editable: false,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    templating: {
      list: [{ name: "datasource", label: "Data source", type: "datasource", query: "prometheus", current: {} }],
    },
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      type: "timeseries",
      title: p.title,
      datasource,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit ?? "short" }, overrides: [] },
      targets: p.queries.map((q, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource,
        expr: q.expr,
        legendFormat: q.legend,
      })),
    })),
  };
  return `${JSON.stringify(model, null, 2)}\n`;
}
