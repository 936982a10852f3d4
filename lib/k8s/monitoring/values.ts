/**
 * The parts of the kube-prometheus-stack chart's values (89.x, prometheus-operator v0.93) this library sets, to
 * type `values` with `satisfies`. The chart ships no `values.schema.json`, so this subset is hand-written from
 * its values.yaml and lists only the keys set here; every field is optional.
 */
import type { HelmResources } from "../infrastructure/values.js";

type Json = Readonly<Record<string, unknown>>;
type Toggle = { readonly enabled?: boolean };

/** A component's ingress in the grafana subchart. */
export interface GrafanaIngressValues {
  readonly enabled?: boolean;
  readonly ingressClassName?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly hosts?: readonly string[];
  readonly path?: string;
  readonly tls?: readonly { readonly secretName: string; readonly hosts: readonly string[] }[];
}

/** The subset of kube-prometheus-stack's values this library sets. */
export interface KubePrometheusStackValuesOverrides {
  readonly crds?: Toggle;
  readonly defaultRules?: { readonly create?: boolean };
  /** The hosts run node_exporter themselves (the `minimal-node` role): the chart's DaemonSet would clash on 9100. */
  readonly nodeExporter?: Toggle;
  readonly kubeControllerManager?: Toggle;
  readonly kubeScheduler?: Toggle;
  readonly kubeProxy?: Toggle;
  readonly kubeEtcd?: Toggle;
  readonly prometheusOperator?: { readonly resources?: HelmResources };
  readonly "kube-state-metrics"?: {
    readonly resources?: HelmResources;
    readonly rbac?: { readonly extraRules?: readonly Json[] };
    readonly customResourceState?: { readonly enabled?: boolean; readonly config?: Json };
  };
  readonly prometheus?: {
    readonly prometheusSpec?: {
      readonly retention?: string;
      readonly scrapeInterval?: string;
      readonly evaluationInterval?: string;
      readonly resources?: HelmResources;
      readonly serviceMonitorSelectorNilUsesHelmValues?: boolean;
      readonly podMonitorSelectorNilUsesHelmValues?: boolean;
      readonly ruleSelectorNilUsesHelmValues?: boolean;
      readonly additionalScrapeConfigs?: readonly Json[];
      readonly storageSpec?: {
        readonly volumeClaimTemplate?: {
          readonly spec?: {
            readonly storageClassName?: string;
            readonly accessModes?: readonly string[];
            readonly resources?: { readonly requests?: { readonly storage?: string } };
          };
        };
      };
    };
  };
  readonly alertmanager?: {
    readonly enabled?: boolean;
    readonly config?: Json;
    readonly alertmanagerSpec?: { readonly secrets?: readonly string[]; readonly resources?: HelmResources };
  };
  readonly grafana?: {
    readonly enabled?: boolean;
    readonly admin?: { readonly existingSecret?: string; readonly userKey?: string; readonly passwordKey?: string };
    readonly ingress?: GrafanaIngressValues;
    readonly resources?: HelmResources;
    readonly sidecar?: {
      readonly dashboards?: {
        readonly enabled?: boolean;
        readonly label?: string;
        readonly labelValue?: string;
        readonly searchNamespace?: string;
      };
    };
  };
}
