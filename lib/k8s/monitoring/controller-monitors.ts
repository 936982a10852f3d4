/**
 * The controllers we install, scraped: one PodMonitor per controller in the `monitoring` namespace, selecting
 * the controller's pods in its own namespace by their chart's labels and metrics port. They are made by the
 * lab (in the apps layer, after the operator's CRDs exist) rather than by each chart's own ServiceMonitor
 * switch: a chart in the controllers layer that shipped a ServiceMonitor would fail to install until the
 * monitoring stack, in the storage layer, had put the CRD there.
 *
 * And kube-state-metrics' custom-resource metrics for Flux (`gotk_resource_info`, Flux's documented way to
 * expose whether a Kustomization or HelmRelease is ready), which the built-in Flux rules read.
 */
import { Construct } from "constructs";
import { PodMonitor } from "../../../imports/monitoring.coreos.com.js";
import type { Homelab } from "../../model/homelab.js";
import { commonLabels } from "../defaults.js";
import type { HelmApp } from "../infrastructure/helm-app.js";

/** What to scrape of one controller. */
export interface ControllerMetrics {
  /** PodMonitor name. */
  readonly name: string;
  /** The controller's namespace. */
  readonly namespace: string;
  /** Pod labels, as `key In values`. */
  readonly selector: { readonly key: string; readonly values: readonly string[] };
  /** The container port's name serving /metrics. */
  readonly port: string;
}

/** The metrics of each controller of the lab that serves them (by its chart's pod labels and port names). */
export function controllerMetrics(installed: {
  readonly metallb?: HelmApp;
  readonly certManager?: HelmApp;
  readonly ingressController?: HelmApp;
  readonly longhorn?: HelmApp;
  readonly cloudnativePg?: HelmApp;
}): ControllerMetrics[] {
  const out: ControllerMetrics[] = [
    {
      name: "flux",
      namespace: "flux-system",
      selector: {
        key: "app",
        values: ["helm-controller", "kustomize-controller", "notification-controller", "source-controller"],
      },
      port: "http-prom",
    },
  ];
  const app = (
    h: HelmApp | undefined,
    name: string,
    values: string[],
    port: string,
    key = "app.kubernetes.io/name",
  ) => {
    if (h !== undefined) out.push({ name, namespace: h.namespace, selector: { key, values }, port });
  };
  app(installed.metallb, "metallb", ["metallb"], "monitoring");
  app(installed.certManager, "cert-manager", ["cert-manager"], "http-metrics");
  if (installed.ingressController?.releaseName === "traefik")
    app(installed.ingressController, "traefik", ["traefik"], "metrics");
  app(installed.longhorn, "longhorn", ["longhorn-manager"], "manager", "app");
  app(installed.cloudnativePg, "cloudnative-pg", ["cloudnative-pg"], "metrics");
  return out;
}

/** One PodMonitor per controller, in namespace `namespace`. */
export function addControllerMonitors(
  scope: Construct,
  lab: Homelab,
  namespace: string,
  controllers: readonly ControllerMetrics[],
): PodMonitor[] {
  return controllers.map(
    (c) =>
      new PodMonitor(scope, c.name, {
        metadata: { name: c.name, namespace, labels: commonLabels(lab.name) },
        spec: {
          namespaceSelector: { matchNames: [c.namespace] },
          selector: { matchExpressions: [{ key: c.selector.key, operator: "In", values: [...c.selector.values] }] },
          podMetricsEndpoints: [{ port: c.port }],
        },
      }),
  );
}

/** A `gotk_resource_info` metric of one Flux kind, by kube-state-metrics' custom resource state. */
function fluxKind(group: string, version: string, kind: string) {
  return {
    groupVersionKind: { group, version, kind },
    metricNamePrefix: "gotk",
    metrics: [
      {
        name: "resource_info",
        help: `The current state of a Flux ${kind}.`,
        each: { type: "Info", info: { labelsFromPath: { name: ["metadata", "name"] } } },
        labelsFromPath: {
          exported_namespace: ["metadata", "namespace"],
          ready: ["status", "conditions", "[type=Ready]", "status"],
          suspended: ["spec", "suspend"],
        },
      },
    ],
  };
}

/** kube-state-metrics values: Flux's Kustomizations and HelmReleases as `gotk_resource_info`. */
export function fluxStateMetrics(): Record<string, unknown> {
  return {
    rbac: {
      extraRules: [
        { apiGroups: ["kustomize.toolkit.fluxcd.io"], resources: ["kustomizations"], verbs: ["list", "watch"] },
        { apiGroups: ["helm.toolkit.fluxcd.io"], resources: ["helmreleases"], verbs: ["list", "watch"] },
      ],
    },
    customResourceState: {
      enabled: true,
      config: {
        spec: {
          resources: [
            fluxKind("kustomize.toolkit.fluxcd.io", "v1", "Kustomization"),
            fluxKind("helm.toolkit.fluxcd.io", "v2", "HelmRelease"),
          ],
        },
      },
    },
  };
}

/** The unit `apps/controller-monitors`. */
export function addControllerMonitorsUnit(
  layer: Construct,
  lab: Homelab,
  namespace: string,
  controllers: readonly ControllerMetrics[],
): Construct {
  const unit = new Construct(layer, "controller-monitors");
  addControllerMonitors(unit, lab, namespace, controllers);
  return unit;
}
