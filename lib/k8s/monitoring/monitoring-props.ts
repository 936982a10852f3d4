/** The options of the monitoring stack (`addInfrastructure(app, { monitoring: { ... } })`). */
import type { Duration, Size } from "cdk8s";
import type { ChartOptions } from "../infrastructure/infrastructure-props.js";
import type { AlertReceiver } from "./alert-receiver.js";
import type { AlertRule } from "./alert-rule.js";

/** Options of the monitoring stack: kube-prometheus-stack, sized for a small lab. */
export interface MonitoringOptions extends ChartOptions {
  /**
   * How long Prometheus keeps its samples.
   * @default Duration.days(7)
   */
  readonly retention?: Duration;
  /**
   * How often every target is scraped and every rule evaluated.
   * @default Duration.minutes(1)
   */
  readonly scrapeInterval?: Duration;
  /**
   * Prometheus' volume, on the lab's StorageClass (`kubernetes.storageClass`).
   * @default Size.gibibytes(4) - a week of a small lab at a one-minute interval needs well under 1 GiB
   */
  readonly storage?: Size;
  /**
   * Memory Prometheus requests (its limit is four times this).
   * @default Size.mebibytes(256)
   */
  readonly prometheusMemory?: Size;
  /**
   * Grafana is served at `<subdomain>.<domain>` behind the ingress with a Let's Encrypt certificate.
   * @default "grafana"
   */
  readonly grafanaSubdomain?: string;
  /**
   * Secret in namespace `monitoring` (keys `admin-user`, `admin-password`) with Grafana's admin account; keep it
   * as a SOPS-encrypted file, synth carries it into the storage layer.
   * @default "grafana-admin"
   */
  readonly grafanaAdminSecret?: string;
  /**
   * The lab's own alert rules, evaluated with the built-in ones.
   * @default [] - the built-in rules only
   */
  readonly rules?: readonly AlertRule[];
  /**
   * Where Alertmanager sends alerts, e.g. `AlertReceiver.webhook()`.
   * @default undefined - alerts are shown in Alertmanager's UI only
   */
  readonly receiver?: AlertReceiver;
}
