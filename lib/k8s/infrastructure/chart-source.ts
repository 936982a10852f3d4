/**
 * Where a Helm chart comes from, pinned to one exact version: a classic Helm
 * repository (`index.yaml` over HTTPS, Flux `HelmRepository` + `spec.chart`)
 * or an OCI registry (Flux `OCIRepository` + `spec.chartRef`, what Flux
 * recommends for charts published as OCI artifacts).
 */

/** An exact chart version: `1.2.3` or `v1.2.3`, optionally with a pre-release or build suffix. Never a range. */
const EXACT_VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** Why `version` is not an exact, pinned chart version, or undefined when it is one. */
export function chartVersionProblem(version: string): string | undefined {
  if (EXACT_VERSION.test(version)) return undefined;
  return (
    `chart version "${version}" is not pinned: use one exact version like "1.2.3" ` +
    `(ranges, wildcards and "latest" let a chart change under you without a commit)`
  );
}

/** Properties of a chart served by a classic Helm repository. */
export interface HelmRepositoryChartProps {
  /** The repository URL, as for `helm repo add` (e.g. `https://metallb.github.io/metallb`). */
  readonly url: string;
  /** The chart's name in the repository (e.g. `metallb`). */
  readonly chart: string;
  /** The exact chart version (not a range), e.g. `0.16.1`. */
  readonly version: string;
}

/** Properties of a chart published as an OCI artifact. */
export interface OciChartProps {
  /** The artifact URL without tag, e.g. `oci://quay.io/jetstack/charts/cert-manager`. */
  readonly url: string;
  /** The exact chart version, which is the artifact's tag, e.g. `v1.21.1`. */
  readonly version: string;
}

/** A pinned Helm chart and the kind of Flux source that serves it. */
export class ChartSource {
  /** A chart from a classic Helm repository: a Flux `HelmRepository`, named in the HelmRelease's `spec.chart`. */
  static helmRepository(props: HelmRepositoryChartProps): ChartSource {
    return new ChartSource("HelmRepository", props.url, props.chart, props.version);
  }

  /** A chart published to an OCI registry: a Flux `OCIRepository`, named in the HelmRelease's `spec.chartRef`. */
  static oci(props: OciChartProps): ChartSource {
    const name = props.url.replace(/\/+$/, "").split("/").pop() ?? "";
    return new ChartSource("OCIRepository", props.url, name, props.version);
  }

  private constructor(
    /** The Flux source kind that serves the chart. */
    readonly kind: "HelmRepository" | "OCIRepository",
    /** Repository URL (`https://...`) or OCI artifact URL (`oci://...`). */
    readonly url: string,
    /** The chart's name (for an OCI chart, the last path segment of its URL). */
    readonly chart: string,
    /** The exact chart version. */
    readonly version: string,
  ) {}

  /** The same chart at another exact version. */
  withVersion(version: string): ChartSource {
    return new ChartSource(this.kind, this.url, this.chart, version);
  }

  /** Why this source is unusable (unpinned version, URL scheme not matching the kind), or an empty list. */
  problems(): string[] {
    const problems: string[] = [];
    const v = chartVersionProblem(this.version);
    if (v !== undefined) problems.push(`${this.chart}: ${v}`);
    if (this.kind === "OCIRepository" && !this.url.startsWith("oci://")) {
      problems.push(`${this.chart}: an OCI chart URL starts with "oci://", got "${this.url}"`);
    }
    if (this.kind === "HelmRepository" && !/^https?:\/\//.test(this.url)) {
      problems.push(
        `${this.chart}: a Helm repository URL starts with "https://", got "${this.url}"` +
          (this.url.startsWith("oci://") ? " (use ChartSource.oci for charts in an OCI registry)" : ""),
      );
    }
    return problems;
  }

  toString(): string {
    return this.kind === "OCIRepository" ? `${this.url}:${this.version}` : `${this.url} ${this.chart}@${this.version}`;
  }
}
