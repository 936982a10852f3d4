/**
 * `cdk8s-homelab/k8s`: the Kubernetes side of a lab. {@link HomelabApp} and its Flux layers, the
 * infrastructure every app stands on ({@link addInfrastructure}), the app constructs
 * ({@link IngressedService}, {@link PostgresApp}, {@link WireGuardGateway}, the {@link Workload} they
 * share, {@link HelmApp} for any other chart) and their value types.
 *
 * This is the package's public API for the Kubernetes side: every name here is documented and kept
 * stable. The renderer, the YAML emitter and the other modules of lib/k8s are internal; render a lab
 * with `render` from `cdk8s-homelab/synth` or `synthLab` from `cdk8s-homelab/testing`.
 *
 * @module
 */
export {
  HomelabApp,
  Layer,
  type HomelabAppProps,
  type LayerId,
  type LayerProps,
  type NamespaceRequest,
  type LayerSecret,
} from "./homelab-app.js";
export { ensureNamespace, type PodSecurityLevel } from "./namespace.js";
export { declareExternal, type ExternalKind, type ExternalObject, type ExternalObjectProps } from "./external.js";
export { ConstructValidationError } from "./render.js";
export { skipCheck } from "../check/opt-out.js";
export type { Resources } from "./defaults.js";
export {
  addInfrastructure,
  type ChartOptions,
  type Infrastructure,
  type InfrastructureProps,
  type IngressControllerOptions,
  type PiholeOptions,
} from "./infrastructure/infrastructure.js";
export { HelmApp, type HelmAppProps, type HelmValues } from "./infrastructure/helm-app.js";
export { ChartSource, type HelmRepositoryChartProps, type OciChartProps } from "./infrastructure/chart-source.js";
export type {
  CloudnativePgValuesOverrides,
  IngressNginxValuesOverrides,
  LonghornValuesOverrides,
  PiholeValuesOverrides,
  TraefikValuesOverrides,
} from "./infrastructure/values.js";
export { EnvValue, type EnvMap, type SecretSource } from "./apps/env-value.js";
export { HealthCheck, type HttpHealthCheckOptions, type Probes } from "./apps/health-check.js";
export { Workload, type PersistentStorage, type WorkloadOptions, type WorkloadProps } from "./apps/workload.js";
export { IngressedService, type IngressOptions, type IngressedServiceProps } from "./apps/ingressed-service.js";
export {
  DEFAULT_DATABASE_ENV,
  DEFAULT_POSTGRES_IMAGE,
  PostgresApp,
  type PostgresAppProps,
  type PostgresBackup,
  type PostgresDatabaseOptions,
  type PostgresSecretKey,
} from "./apps/postgres-app.js";
export {
  PostgresBackupTarget,
  type BarmanCloudPluginOptions,
  type BarmanObjectStoreOptions,
  type VolumeSnapshotOptions,
} from "./apps/postgres-backup.js";
export { Retention, type RetentionUnit } from "./apps/retention.js";
export { WireGuardGateway, type WireGuardGatewayProps } from "./apps/wireguard-gateway.js";
export { AppCronJob, type AppCronJobProps } from "./apps/app-cron-job.js";
export {
  AppNetworkPolicy,
  isolateNamespace,
  type AppNetworkPolicyProps,
  type EgressRule,
  type IngressRule,
  type NetworkPort,
  type NetworkProtocol,
} from "./app-network-policy.js";
export { NetworkPeer, type LabelSelectorJson, type PodPeerOptions, type RenderedPeer } from "./network-peer.js";
export {
  AlertReceiver,
  type EmailReceiverProps,
  type WebhookReceiverProps,
} from "./monitoring/alert-receiver.js";
export { BUILTIN_ALERT_RULES, type AlertRule, type AlertSeverity } from "./monitoring/alert-rule.js";
export { MONITORING_NAMESPACE, type Monitoring } from "./monitoring/monitoring.js";
export type { MonitoringOptions } from "./monitoring/monitoring-props.js";
export type { MetricsOptions } from "./monitoring/metrics.js";
export type { KubePrometheusStackValuesOverrides } from "./monitoring/values.js";
