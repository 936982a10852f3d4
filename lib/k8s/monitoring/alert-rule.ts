/**
 * Alert rules, typed: what the lab's Prometheus evaluates and Alertmanager routes. The built-in rules
 * ({@link BUILTIN_ALERT_RULES}) watch what a homelab breaks on; a lab adds its own with `monitoring.rules`.
 * Every expression is PromQL, parsed at synth with Prometheus' own grammar (the `promql` check).
 */
import { Duration } from "cdk8s";

/** How urgent an alert is (the `severity` label Alertmanager routes on). */
export type AlertSeverity = "critical" | "warning" | "info";

/** One alerting rule. */
export interface AlertRule {
  /** The alert's name, in UpperCamelCase by Prometheus' convention, e.g. `BuildFailed`. */
  readonly alert: string;
  /** The PromQL expression: the alert fires for every series it returns. */
  readonly expr: string;
  /**
   * How long the expression must keep returning a series before the alert fires.
   * @default undefined - fires on the first evaluation that returns a series
   */
  readonly for?: Duration;
  /** How urgent it is. */
  readonly severity: AlertSeverity;
  /** One line for people, Prometheus template syntax allowed (`{{ $labels.hostname }}`). */
  readonly summary: string;
  /**
   * More detail: what it means and what to look at.
   * @default undefined - the summary only
   */
  readonly description?: string;
}

/**
 * The built-in rules: a host down, a disk almost full, memory pressure, a certificate about to expire, a Flux
 * Kustomization or HelmRelease not ready, a CloudNativePG backup failing or cluster unhealthy, a Longhorn
 * volume degraded and a pod crash-looping. They read node_exporter (every host, labelled `hostname`),
 * kube-state-metrics, and the metrics cert-manager, Flux, CloudNativePG and Longhorn export.
 */
export const BUILTIN_ALERT_RULES: readonly AlertRule[] = [
  {
    alert: "HostDown",
    expr: 'up{job="node"} == 0',
    for: Duration.minutes(5),
    severity: "critical",
    summary: "Host {{ $labels.hostname }} is down",
    description: "node_exporter on {{ $labels.instance }} has not answered for 5 minutes.",
  },
  {
    alert: "HostDiskAlmostFull",
    expr:
      'node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs|ramfs"} ' +
      '/ node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs|ramfs"} * 100 < 10',
    for: Duration.minutes(15),
    severity: "warning",
    summary: "{{ $labels.mountpoint }} on {{ $labels.hostname }} has less than 10% free",
  },
  {
    alert: "HostMemoryPressure",
    expr: "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < 10",
    for: Duration.minutes(10),
    severity: "warning",
    summary: "{{ $labels.hostname }} has less than 10% of its memory available",
  },
  {
    alert: "CertificateExpiringSoon",
    expr: "(certmanager_certificate_expiration_timestamp_seconds - time()) < 14 * 24 * 3600",
    for: Duration.hours(1),
    severity: "warning",
    summary: "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than 14 days",
    description: "cert-manager renews 30 days ahead: a renewal is failing. kubectl describe certificate.",
  },
  {
    alert: "FluxKustomizationNotReady",
    expr: 'gotk_resource_info{customresource_kind="Kustomization", ready="False"} > 0',
    for: Duration.minutes(15),
    severity: "warning",
    summary: "Flux Kustomization {{ $labels.exported_namespace }}/{{ $labels.name }} is not ready",
  },
  {
    alert: "FluxHelmReleaseNotReady",
    expr: 'gotk_resource_info{customresource_kind="HelmRelease", ready="False"} > 0',
    for: Duration.minutes(15),
    severity: "warning",
    summary: "HelmRelease {{ $labels.exported_namespace }}/{{ $labels.name }} is not ready",
  },
  {
    alert: "PostgresBackupFailing",
    expr: "time() - max by (namespace, pod) (cnpg_collector_last_available_backup_timestamp) > 2 * 24 * 3600",
    for: Duration.hours(1),
    severity: "warning",
    summary: "PostgreSQL {{ $labels.namespace }}: no backup in the last two days",
  },
  {
    alert: "PostgresClusterUnhealthy",
    expr: "max by (namespace, pod) (cnpg_collector_up) == 0",
    for: Duration.minutes(5),
    severity: "critical",
    summary: "PostgreSQL instance {{ $labels.namespace }}/{{ $labels.pod }} is down",
  },
  {
    alert: "LonghornVolumeDegraded",
    // longhorn_volume_robustness: 0 unknown, 1 healthy, 2 degraded, 3 faulted.
    expr: "longhorn_volume_robustness >= 2",
    for: Duration.minutes(10),
    severity: "warning",
    summary: "Longhorn volume {{ $labels.volume }} is degraded or faulted",
  },
  {
    alert: "PodCrashLooping",
    expr: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1',
    for: Duration.minutes(15),
    severity: "warning",
    summary: "Pod {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is crash-looping",
  },
];
