/**
 * Monitoring from the model (issue 11), tested through the real render on a fixture lab (the ThinkCentres and a
 * build host outside the cluster): kube-prometheus-stack in the storage layer, every host a node_exporter target
 * labelled from the model, Grafana behind the ingress with TLS and a SOPS-kept admin Secret, the alert rules as a
 * PrometheusRule applied only after the operator's CRDs, the dashboards as sidecar ConfigMaps, and every PromQL
 * expression parsed with Prometheus' own grammar.
 */
import { Duration, Size } from "cdk8s";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { promqlSyntaxError } from "../lib/check/promql.js";
import { BUILTIN_ALERT_RULES } from "../lib/k8s/monitoring/alert-rule.js";
import { CLUSTER_DASHBOARD, NODE_DASHBOARD, appDashboard } from "../lib/k8s/monitoring/dashboards.js";
import { promDuration } from "../lib/k8s/monitoring/monitoring.js";
import { addInfrastructure, AlertReceiver, IngressedService, PostgresApp } from "../lib/k8s/index.js";
import { render } from "../lib/synth/render.js";
import { buildHostRules, monitoringKubernetes, monitoringSpec } from "./fixtures/monitoring-lab.js";
import { renderLab } from "./helpers/lab.js";

type Doc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: any };
  spec?: any;
  data?: any;
};

function docs(files: ReadonlyMap<string, string>, file: string): Doc[] {
  const text = files.get(file);
  if (text === undefined) throw new Error(`${file} was not rendered`);
  return parseAllDocuments(text).map((d) => d.toJS() as Doc);
}

const STACK = "dist/infrastructure/storage/kube-prometheus-stack.yaml";
const RULES = "dist/apps/alert-rules.yaml";
const DASHBOARDS = "dist/infrastructure/storage/grafana-dashboards.yaml";

const files = renderLab(monitoringSpec, monitoringKubernetes());
const release = docs(files, STACK).find((d) => d.kind === "HelmRelease")!;
const values = release.spec.values;

describe("the monitoring stack", () => {
  it("is kube-prometheus-stack, pinned, with its CRDs, in the storage layer's monitoring namespace", () => {
    expect(release.metadata).toMatchObject({ name: "kube-prometheus-stack", namespace: "monitoring" });
    expect(release.spec.chart.spec).toMatchObject({ chart: "kube-prometheus-stack", version: "89.2.0" });
    expect(release.spec.install.crds).toBe("CreateReplace");
    expect(values.crds.enabled).toBe(true);
    // The hosts run node_exporter themselves: the chart's DaemonSet would bind 9100 a second time.
    expect(values.nodeExporter.enabled).toBe(false);
  });

  it("takes retention, scrape interval, storage and memory from the options, with small defaults", () => {
    const spec = values.prometheus.prometheusSpec;
    expect(spec).toMatchObject({ retention: "7d", scrapeInterval: "1m", evaluationInterval: "1m" });
    expect(spec.resources).toEqual({ requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1024Mi" } });
    expect(spec.storageSpec.volumeClaimTemplate.spec).toMatchObject({
      storageClassName: "local-path",
      resources: { requests: { storage: "4Gi" } },
    });
    const custom = renderLab(
      monitoringSpec,
      monitoringKubernetes({
        retention: Duration.days(30),
        scrapeInterval: Duration.seconds(30),
        storage: Size.gibibytes(10),
        prometheusMemory: Size.mebibytes(512),
      }),
    );
    const s = docs(custom, STACK).find((d) => d.kind === "HelmRelease")!.spec.values.prometheus.prometheusSpec;
    expect(s).toMatchObject({ retention: "30d", scrapeInterval: "30s", resources: { requests: { memory: "512Mi" } } });
    expect(s.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("10Gi");
  });

  it("sets no CPU limit anywhere in its values", () => {
    expect(JSON.stringify(values)).not.toMatch(/"limits":\{[^}]*"cpu"/);
  });

  it("serves Grafana behind the lab's ingress with a Let's Encrypt certificate and a SOPS-kept admin", () => {
    expect(values.grafana.ingress).toEqual({
      enabled: true,
      ingressClassName: "traefik",
      annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" },
      hosts: ["grafana.lab.example.net"],
      path: "/",
      tls: [{ secretName: "grafana-tls", hosts: ["grafana.lab.example.net"] }],
    });
    expect(values.grafana.admin).toEqual({
      existingSecret: "grafana-admin",
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
    const r = render({ spec: monitoringSpec, source: "test", kubernetes: monitoringKubernetes() });
    expect(r.notes.join("\n")).toContain("monitoring/grafana-admin");
    expect(r.notes.join("\n")).toContain("monitoring/alertmanager-webhook");
  });

  it("routes alerts to the receiver whose secret part is a mounted SOPS Secret", () => {
    expect(values.alertmanager.alertmanagerSpec.secrets).toEqual(["alertmanager-webhook"]);
    expect(values.alertmanager.config.route.receiver).toBe("lab");
    expect(values.alertmanager.config.receivers).toContainEqual({
      name: "lab",
      webhook_configs: [{ url_file: "/etc/alertmanager/secrets/alertmanager-webhook/url", send_resolved: true }],
    });
    const email = AlertReceiver.email({
      to: "ops@example.net",
      from: "alerts@example.net",
      smarthost: "smtp.example.net:587",
      username: "alerts",
    });
    expect(email.secret).toBe("alertmanager-smtp");
    expect(email.config).toMatchObject({
      email_configs: [{ auth_password_file: "/etc/alertmanager/secrets/alertmanager-smtp/password" }],
    });
    // The URL itself (with its token) is never in dist/: only the file Alertmanager reads it from.
    expect(values.alertmanager.config.receivers[1].webhook_configs[0].url).toBeUndefined();
  });

  it("is off unless asked for", () => {
    const off = renderLab(monitoringSpec, (app) => void addInfrastructure(app, { longhorn: false }));
    expect([...off.keys()].filter((f) => /prometheus|alert-rules|dashboards/.test(f))).toEqual([]);
  });
});

describe("every host is a target", () => {
  const scrape = values.prometheus.prometheusSpec.additionalScrapeConfigs as any[];

  it("scrapes every host's node_exporter at address:9100, labelled hostname, roles and arch", () => {
    expect(scrape).toHaveLength(1);
    expect(scrape[0].job_name).toBe("node");
    expect(scrape[0].static_configs).toEqual([
      {
        targets: ["192.168.50.104:9100"],
        labels: { hostname: "homelab-0", roles: "minimal-node,k3s-server", arch: "x86_64-linux" },
      },
      {
        targets: ["192.168.50.103:9100"],
        labels: { hostname: "homelab-1", roles: "minimal-node,k3s-agent", arch: "x86_64-linux" },
      },
      {
        targets: ["192.168.50.110:9100"],
        labels: { hostname: "nix-cache02", roles: "minimal-node,build-host", arch: "x86_64-linux" },
      },
    ]);
  });

  it("warns (does not refuse) when a host outside the cluster does not let the scraper in", () => {
    const spec = structuredClone(monitoringSpec) as any;
    // The build host without the base role: no node_exporter port open.
    spec.roles = spec.roles.map((r: any) => (r.name === "build-host" ? { ...r, requires: [] } : r));
    spec.hosts[2].roles = ["build-host"];
    const r = render({ spec, source: "test", kubernetes: monitoringKubernetes() });
    const finding = r.checks.findings.find((f) => f.check === "host-firewall");
    expect(finding).toMatchObject({ severity: "warning", path: "hosts[2].firewall" });
    expect(finding!.message).toContain('host "nix-cache02" does not open 9100/tcp');
    expect(finding!.message).toContain("a rendered scrape target names nix-cache02:9100");
  });

  it("refuses a cluster node that does not let the scraper in (as before)", () => {
    const spec = structuredClone(monitoringSpec) as any;
    spec.roles = spec.roles.map((r: any) =>
      r.name === "minimal-node" ? { ...r, ports: r.ports.filter((p: any) => p.from !== 9100) } : r,
    );
    expect(() => render({ spec, source: "test", kubernetes: monitoringKubernetes() })).toThrow(
      /host "homelab-0" does not open 9100\/tcp/,
    );
  });
});

describe("alert rules", () => {
  const rule = docs(files, RULES).find((d) => d.kind === "PrometheusRule")!;
  const groups = rule.spec.groups as { name: string; rules: any[] }[];

  it("are a PrometheusRule in the apps layer, applied after the layer that installs the operator's CRDs", () => {
    expect(rule.metadata).toMatchObject({ name: "homelab", namespace: "monitoring" });
    const layers = docs(files, "dist/bootstrap/layers.yaml");
    const apps = layers.find((d) => d.metadata.name === "apps")!;
    expect(apps.spec.dependsOn).toContainEqual({ name: "infra-storage" });
    expect(apps.spec.wait).toBe(true);
  });

  it("has at least 8 built-in rules covering what breaks a homelab, then the lab's own", () => {
    expect(groups.map((g) => g.name)).toEqual(["homelab", "thinkcentre-rules"]);
    const builtin = groups[0]!.rules.map((r) => r.alert);
    expect(builtin.length).toBeGreaterThanOrEqual(8);
    expect(builtin).toEqual(
      expect.arrayContaining([
        "HostDown",
        "HostDiskAlmostFull",
        "HostMemoryPressure",
        "CertificateExpiringSoon",
        "FluxKustomizationNotReady",
        "FluxHelmReleaseNotReady",
        "PostgresBackupFailing",
        "PostgresClusterUnhealthy",
        "LonghornVolumeDegraded",
        "PodCrashLooping",
      ]),
    );
    expect(groups[1]!.rules).toEqual([
      {
        alert: "BuildFailed",
        expr: 'increase(homelab_deploy_build_host_total{status="failure"}[1h]) > 0',
        labels: { severity: "warning" },
        annotations: { summary: "A build on {{ $labels.host }} failed in the last hour" },
      },
      {
        alert: "NoSuccessfulBuild",
        expr: "time() - homelab_deploy_build_last_success_timestamp > 86400",
        for: "30m",
        labels: { severity: "critical" },
        annotations: { summary: expect.stringContaining("24 hours") },
      },
    ]);
  });

  it("every expression parses with Prometheus' grammar (built-in, the build host's, the rendered ones)", () => {
    const all = [...BUILTIN_ALERT_RULES, ...buildHostRules].map((r) => r.expr);
    all.push(...groups.flatMap((g) => g.rules.map((r) => r.expr as string)));
    expect(all.length).toBeGreaterThanOrEqual(2 * (BUILTIN_ALERT_RULES.length + buildHostRules.length));
    for (const expr of all) expect(promqlSyntaxError(expr), expr).toBeUndefined();
  });

  it("the parser used by the check tells a broken expression from a good one", () => {
    expect(promqlSyntaxError("up == 0")).toBeUndefined();
    expect(promqlSyntaxError("sum(rate(x[5m]) by (job)")).toMatchObject({ offset: expect.any(Number) });
    expect(promqlSyntaxError("rate(x[5m]")!.message).toContain("<<HERE>>");
    expect(promqlSyntaxError("  ")!.message).toBe("the expression is empty");
  });

  it("writes durations the way Prometheus reads them", () => {
    expect(promDuration(Duration.days(7))).toBe("7d");
    expect(promDuration(Duration.minutes(90))).toBe("1h30m");
    expect(promDuration(Duration.seconds(30))).toBe("30s");
  });
});

describe("dashboards", () => {
  const maps = docs(files, DASHBOARDS);

  it("are ConfigMaps labelled for Grafana's sidecar, whose JSON parses and whose every query parses", () => {
    expect(maps.map((m) => m.metadata.name).sort()).toEqual(["dashboard-homelab-cluster", "dashboard-homelab-nodes"]);
    let queries = 0;
    for (const m of maps) {
      expect(m.metadata.labels.grafana_dashboard).toBe("1");
      expect(m.metadata.namespace).toBe("monitoring");
      for (const text of Object.values(m.data as Record<string, string>)) {
        const dashboard = JSON.parse(text);
        expect(dashboard.panels.length).toBeGreaterThan(0);
        for (const p of dashboard.panels)
          for (const t of p.targets) {
            queries++;
            expect(promqlSyntaxError(t.expr), t.expr).toBeUndefined();
          }
      }
    }
    expect(queries).toBe(NODE_DASHBOARD.panels.length + CLUSTER_DASHBOARD.panels.length);
  });

  it("the node overview has the Odroid lab's CPU, memory and disk queries, per host by the model's label", () => {
    const exprs = NODE_DASHBOARD.panels.flatMap((p) => p.queries.map((q) => q.expr));
    expect(exprs).toContain('100 - (avg by (hostname) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100)');
    expect(exprs).toContain("node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100");
    expect(exprs).toContain(
      'node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"} * 100',
    );
  });

  it("a per-app dashboard's queries parse", () => {
    for (const p of appDashboard("nextcloud", "nextcloud/nextcloud").panels)
      for (const q of p.queries) expect(promqlSyntaxError(q.expr), q.expr).toBeUndefined();
  });
});

describe("apps expose metrics in one line", () => {
  const withApp = (metrics: object, monitoring = true) =>
    renderLab(monitoringSpec, (app) => {
      if (monitoring) monitoringKubernetes()(app);
      else addInfrastructure(app, { longhorn: false });
      new IngressedService(app.apps, "whoami", {
        image: "docker.io/traefik/whoami:v1.10.4",
        port: 8080,
        metrics,
      });
    });

  it("a metrics port of its own: a named container and Service port, and a ServiceMonitor on it", () => {
    const out = docs(withApp({ port: 9113, path: "/stats/metrics" }), "dist/apps/whoami.yaml");
    const svc = out.find((d) => d.kind === "Service")!;
    expect(svc.spec.ports).toContainEqual({ name: "metrics", port: 9113, targetPort: "metrics", protocol: "TCP" });
    const deploy = out.find((d) => d.kind === "Deployment")!;
    expect(deploy.spec.template.spec.containers[0].ports).toContainEqual({
      name: "metrics",
      containerPort: 9113,
      protocol: "TCP",
    });
    const monitor = out.find((d) => d.kind === "ServiceMonitor")!;
    expect(monitor.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(monitor.metadata).toMatchObject({ name: "whoami", namespace: "whoami" });
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { "app.kubernetes.io/name": "whoami" } },
      endpoints: [{ port: "metrics", path: "/stats/metrics" }],
    });
    // The ServiceMonitor selects the Service it is meant for.
    for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels)) expect(svc.metadata.labels[k]).toBe(v);
    const dashboard = out.find((d) => d.kind === "ConfigMap" && d.metadata.labels?.grafana_dashboard === "1")!;
    const json = JSON.parse(dashboard.data["whoami.json"]);
    for (const p of json.panels) for (const t of p.targets) expect(promqlSyntaxError(t.expr)).toBeUndefined();
  });

  it("on the app's own port: the http port is scraped, at /metrics by default", () => {
    const out = docs(withApp({ interval: Duration.seconds(30) }), "dist/apps/whoami.yaml");
    expect(out.find((d) => d.kind === "Service")!.spec.ports).toHaveLength(1);
    expect(out.find((d) => d.kind === "ServiceMonitor")!.spec.endpoints).toEqual([
      { port: "http", path: "/metrics", interval: "30s" },
    ]);
  });

  it("without the monitoring stack (no ServiceMonitor CRD) is a synth error saying what to do", () => {
    expect(() => withApp({}, false)).toThrow(/metrics needs the Prometheus operator's CRDs.*pass monitoring: \{\}/);
  });
});

describe("CloudNativePG's metrics", () => {
  const withDb = (monitoring: boolean) =>
    renderLab(monitoringSpec, (app) => {
      if (monitoring) monitoringKubernetes()(app);
      else addInfrastructure(app, { longhorn: false });
      new PostgresApp(app.apps, "gitea", { image: "docker.io/gitea/gitea:1.24.5-rootless", port: 3000 });
    });

  it("a PostgresApp's database gets a PodMonitor on its instances' metrics port when the lab runs monitoring", () => {
    const monitor = docs(withDb(true), "dist/apps/gitea.yaml").find((d) => d.kind === "PodMonitor")!;
    expect(monitor.metadata).toMatchObject({ name: "gitea-db", namespace: "gitea" });
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { "cnpg.io/cluster": "gitea-db", "cnpg.io/podRole": "instance" } },
      podMetricsEndpoints: [{ port: "metrics" }],
    });
  });

  it("and none without it (the PodMonitor CRD would not exist)", () => {
    expect(docs(withDb(false), "dist/apps/gitea.yaml").map((d) => d.kind)).not.toContain("PodMonitor");
  });
});

describe("the lab's page shows what is watched", () => {
  it("targets per host, the monitors, the alert rules and where Grafana is", () => {
    const page = files.get("dist/README.md")!;
    const section = page.slice(page.indexOf("## Monitoring"));
    expect(section).toContain("Grafana: https://grafana.lab.example.net/.");
    expect(section).toContain("| nix-cache02 | 192.168.50.110:9100 | node | minimal-node,build-host |");
    expect(section).toContain("| homelab-0 | 192.168.50.104:9100 | node | minimal-node,k3s-server |");
    expect(section).toContain("| HostDown | critical | 5m | Host {{ $labels.hostname }} is down |");
    expect(section).toContain("| NoSuccessfulBuild | critical | 30m |");
  });

  it("a lab without monitoring has no such section", () => {
    const off = renderLab(monitoringSpec, (app) => void addInfrastructure(app, { longhorn: false }));
    expect(off.get("dist/README.md")).not.toContain("## Monitoring");
  });
});

describe("the controllers we install are scraped", () => {
  it("one PodMonitor per installed controller, by its chart's pod labels and metrics port, after the CRDs", () => {
    const monitors = docs(files, "dist/apps/controller-monitors.yaml");
    const by = Object.fromEntries(monitors.map((m) => [m.metadata.name, m]));
    // The fixture leaves Longhorn out: no PodMonitor for it.
    expect(Object.keys(by).sort()).toEqual(["cert-manager", "cloudnative-pg", "flux", "metallb", "traefik"]);
    expect(by["cert-manager"]!.spec).toEqual({
      namespaceSelector: { matchNames: ["cert-manager"] },
      selector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["cert-manager"] }] },
      podMetricsEndpoints: [{ port: "http-metrics" }],
    });
    expect(by.flux!.spec.podMetricsEndpoints).toEqual([{ port: "http-prom" }]);
    expect(by.traefik!.spec.namespaceSelector.matchNames).toEqual(["traefik"]);
    for (const m of monitors) expect(m.metadata.namespace).toBe("monitoring");
  });

  it("kube-state-metrics exposes Flux's readiness as gotk_resource_info, the metric the Flux rules read", () => {
    const ksm = values["kube-state-metrics"];
    expect(ksm.customResourceState.enabled).toBe(true);
    const kinds = ksm.customResourceState.config.spec.resources.map((r: any) => r.groupVersionKind.kind);
    expect(kinds).toEqual(["Kustomization", "HelmRelease"]);
    for (const r of ksm.customResourceState.config.spec.resources) {
      expect(`${r.metricNamePrefix}_${r.metrics[0].name}`).toBe("gotk_resource_info");
      expect(Object.keys(r.metrics[0].labelsFromPath)).toEqual(["exported_namespace", "ready", "suspended"]);
    }
    const flux = BUILTIN_ALERT_RULES.filter((r) => r.alert.startsWith("Flux"));
    for (const r of flux) expect(r.expr).toMatch(/gotk_resource_info\{customresource_kind="\w+", ready="False"\}/);
    expect(ksm.rbac.extraRules.map((x: any) => x.resources[0])).toEqual(["kustomizations", "helmreleases"]);
  });
});
