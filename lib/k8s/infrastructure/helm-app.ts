/**
 * A Helm chart installed by Flux: the chart's source (a `HelmRepository`, or an
 * `OCIRepository` for charts published to an OCI registry) and a `HelmRelease`
 * (helm.toolkit.fluxcd.io/v2), both in one namespace labelled for Pod Security.
 */
import { Duration } from "cdk8s";
import { Construct } from "constructs";
import {
  HelmRelease,
  HelmReleaseSpecChartRefKind,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecInstallStrategyName,
  HelmReleaseSpecUpgradeCrds,
  HelmReleaseSpecUpgradeStrategyName,
  HelmReleaseSpecWaitStrategyName,
  type HelmReleaseSpec,
} from "../../../imports/helm.toolkit.fluxcd.io.js";
import {
  HelmRepository,
  OciRepository,
  OciRepositorySpecLayerSelectorOperation,
} from "../../../imports/source.toolkit.fluxcd.io.js";
import { Homelab } from "../../model/index.js";
import { commonLabels } from "../defaults.js";
import { durationProblem, goDuration } from "../duration.js";
import { ensureNamespace, type PodSecurityLevel } from "../namespace.js";
import type { ChartSource } from "./chart-source.js";

export { ChartSource, chartVersionProblem, type HelmRepositoryChartProps, type OciChartProps } from "./chart-source.js";

/** Helm values as given to a chart (`HelmRelease.spec.values`): a map Helm deep-merges over the chart's defaults. */
export type HelmValues = { readonly [key: string]: unknown };

/** How soon a failed install or upgrade is retried, unless the props say otherwise. */
const DEFAULT_RETRY_INTERVAL = Duration.minutes(2);

/** Media type of a Helm chart's content layer in an OCI artifact. */
const HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

/** Options for {@link HelmApp}. */
export interface HelmAppProps {
  /** The chart and its exact version, e.g. `ChartSource.helmRepository({ url, chart: "metallb", version: "0.16.1" })`. */
  readonly chart: ChartSource;
  /**
   * Namespace of the release, its source and (by default) everything the chart installs.
   * @default the construct id
   */
  readonly namespace?: string;
  /**
   * Pod Security Standard enforced on the namespace. Charts whose pods need host networking,
   * privileged containers or raw sockets (MetalLB's speaker, Longhorn) need "privileged".
   * @default "restricted"
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Values passed to the chart. Type them with the chart's `*ValuesOverrides` type and `satisfies`.
   * @default {} - the chart's defaults
   */
  readonly values?: HelmValues;
  /**
   * The chart ships CustomResourceDefinitions (in `crds/` or as templates): Flux creates and
   * replaces them on install and upgrade (`CreateReplace`), so CRDs follow the chart version.
   * @default false - Flux's defaults (create on install, leave alone on upgrade)
   */
  readonly crds?: boolean;
  /**
   * How often Flux reconciles the release (and corrects drift).
   * @default the lab's Flux interval (`kubernetes.flux.interval`)
   */
  readonly interval?: Duration;
  /**
   * How often Flux refreshes the chart source (repository index or OCI tag). Versions are
   * pinned, so this only bounds how soon a version bump in git can be fetched.
   * @default Duration.hours(1)
   */
  readonly sourceInterval?: Duration;
  /**
   * How soon Flux retries a failed install or upgrade. Failures are retried without end (helm-controller's
   * `RetryOnFailure` strategy), never remediated into a final `Stalled` state: a release that failed because
   * a SOPS Secret or a CRD was not there yet installs once it is.
   * @default Duration.minutes(2)
   */
  readonly retryInterval?: Duration;
  /**
   * How long Helm waits for the release's resources to become ready.
   * @default Duration.minutes(5) (Flux's default; the field is left out)
   */
  readonly timeout?: Duration;
  /**
   * HelmReleases that must be ready before this one is installed or upgraded.
   * @default [] - no dependencies
   */
  readonly dependsOn?: readonly HelmApp[];
  /**
   * How Helm waits for readiness. "poller" (kstatus) treats a LoadBalancer Service as ready once it
   * has a cluster IP; "legacy" (Helm 3) waits for its external IP too.
   * @default Flux's default ("poller", or "legacy" with the UseHelm3Defaults feature gate)
   */
  readonly waitStrategy?: "poller" | "legacy";
}

/**
 * A Helm chart installed by Flux. Create it as a direct child of a layer (usually
 * `app.controllers`) so it becomes one file, `dist/<layer>/<id>.yaml`:
 * ```ts
 * new HelmApp(app.controllers, "metallb", {
 *   chart: ChartSource.helmRepository({ url: "https://metallb.github.io/metallb", chart: "metallb", version: "0.16.1" }),
 *   namespace: "metallb-system",
 *   podSecurity: "privileged",
 *   crds: true,
 *   values: { frrk8s: { enabled: false } } satisfies MetallbValuesOverrides,
 * });
 * ```
 */
export class HelmApp extends Construct {
  /** The chart and version installed. */
  readonly chart: ChartSource;
  /** Namespace of the release and its source. */
  readonly namespace: string;
  /** Name of the HelmRelease (and of the Helm release it manages). */
  readonly releaseName: string;
  /** The Flux source of the chart: a HelmRepository or an OCIRepository. */
  readonly source: HelmRepository | OciRepository;
  /** The Flux HelmRelease. */
  readonly release: HelmRelease;

  constructor(scope: Construct, id: string, props: HelmAppProps) {
    super(scope, id);
    const lab = Homelab.of(this);
    const labels = commonLabels(lab.name);
    this.chart = props.chart;
    this.releaseName = id;
    this.namespace = ensureNamespace(this, props.namespace ?? id, props.podSecurity ?? "restricted");
    // A fresh metadata object per API object: the source and the release share name and namespace.
    const metadata = () => ({ name: id, namespace: this.namespace, labels: { ...labels } });
    // Durations are checked here and reported at synth with the others; a bad one renders as Flux's default.
    const durationProblems: string[] = [];
    const duration = (prop: "interval" | "sourceInterval" | "timeout" | "retryInterval", fallback: string): string => {
      const value = props[prop];
      if (value === undefined) return fallback;
      const problem = durationProblem(prop, value);
      if (problem !== undefined) durationProblems.push(problem);
      return problem === undefined ? goDuration(value) : fallback;
    };
    const sourceInterval = duration("sourceInterval", goDuration(Duration.hours(1)));
    const interval = duration("interval", lab.kubernetes.flux.interval);
    const timeout = props.timeout === undefined ? undefined : duration("timeout", "5m");
    const retryInterval = duration("retryInterval", goDuration(DEFAULT_RETRY_INTERVAL));

    let chartSpec: Pick<HelmReleaseSpec, "chart" | "chartRef">;
    if (props.chart.kind === "OCIRepository") {
      this.source = new OciRepository(this, "source", {
        metadata: metadata(),
        spec: {
          url: props.chart.url,
          ref: { tag: props.chart.version },
          interval: sourceInterval,
          layerSelector: { mediaType: HELM_CHART_LAYER, operation: OciRepositorySpecLayerSelectorOperation.COPY },
        },
      });
      chartSpec = { chartRef: { kind: HelmReleaseSpecChartRefKind.OCI_REPOSITORY, name: id } };
    } else {
      this.source = new HelmRepository(this, "source", {
        metadata: metadata(),
        spec: { url: props.chart.url, interval: sourceInterval },
      });
      chartSpec = {
        chart: {
          spec: {
            chart: props.chart.chart,
            version: props.chart.version,
            sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: id },
          },
        },
      };
    }

    const dependsOn = (props.dependsOn ?? []).map((d) =>
      d.namespace === this.namespace ? { name: d.releaseName } : { name: d.releaseName, namespace: d.namespace },
    );
    const values = props.values ?? {};
    this.release = new HelmRelease(this, "release", {
      metadata: metadata(),
      spec: {
        interval,
        ...chartSpec,
        ...(timeout !== undefined ? { timeout } : {}),
        ...(dependsOn.length > 0 ? { dependsOn } : {}),
        ...(props.waitStrategy !== undefined
          ? {
              waitStrategy: {
                name:
                  props.waitStrategy === "poller"
                    ? HelmReleaseSpecWaitStrategyName.POLLER
                    : HelmReleaseSpecWaitStrategyName.LEGACY,
              },
            }
          : {}),
        install: {
          ...(props.crds === true ? { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE } : {}),
          strategy: { name: HelmReleaseSpecInstallStrategyName.RETRY_ON_FAILURE, retryInterval },
        },
        upgrade: {
          ...(props.crds === true ? { crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE } : {}),
          cleanupOnFail: true,
          strategy: { name: HelmReleaseSpecUpgradeStrategyName.RETRY_ON_FAILURE, retryInterval },
        },
        ...(Object.keys(values).length > 0 ? { values } : {}),
      },
    });

    this.node.addValidation({ validate: () => props.chart.problems() });
    this.node.addValidation({ validate: () => durationProblems });
  }
}
