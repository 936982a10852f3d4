/**
 * The Flux bootstrap folder (`dist/bootstrap/`): the GitRepository for this
 * repository and one Flux Kustomization per layer, ordered with `dependsOn`,
 * waiting for health (`wait: true`), pruning, and decrypting SOPS files in the
 * layers that apply secrets.
 *
 * It is derived from what the render found (which layer folders have files,
 * which decrypt), so it is a pure step over data: it never adds to the lab's
 * construct tree. The objects are built in a scratch chart of their own, so
 * they render exactly as the generated Flux classes render them.
 */
import { App, Chart, Duration } from "cdk8s";
import { Construct } from "constructs";
import { GitRepository } from "../../imports/source.toolkit.fluxcd.io.js";
import {
  Kustomization,
  KustomizationSpecDecryptionProvider,
  KustomizationSpecSourceRefKind,
} from "../../imports/kustomize.toolkit.fluxcd.io.js";
import type { Homelab } from "../model/index.js";
import { commonLabels } from "./defaults.js";
import { collectUnits, type Doc, type Unit } from "./documents.js";
import { goDuration, parseGoDuration } from "./duration.js";
import type { Layer } from "./homelab-app.js";

/** Namespace Flux runs in (created by `flux install` / `flux bootstrap`). */
export const FLUX_NAMESPACE = "flux-system";

/** Folder of the bootstrap chart under dist/. */
export const BOOTSTRAP_DIR = "bootstrap";

/**
 * The folder `flux bootstrap --path` points at: `clusters/<lab name>`. It belongs to the user and to
 * Flux (`flux bootstrap` writes `flux-system/` in it); synth never writes, overwrites or deletes there.
 */
export function clusterDir(labName: string): string {
  return `clusters/${labName}`;
}

/**
 * The one hand-owned file of {@link clusterDir}, `kustomization.yaml`: it applies what `flux bootstrap`
 * wrote (`flux-system/`, so Flux keeps managing itself from git: its components and its sync) and the
 * bootstrap folder synth writes under `fluxPath` (`./dist` -> `../../dist/bootstrap`). `init` writes it
 * once for a new lab; keep it when you change the lab (synth does not own it).
 */
export function clusterKustomization(labName: string, fluxPath: string): string {
  const dist = fluxPath.replace(/^\.\//, "").replace(/\/+$/, "");
  const bootstrap = `${"../".repeat(clusterDir(labName).split("/").length)}${dist}/${BOOTSTRAP_DIR}`;
  return [
    `# The Flux entry point of the lab "${labName}": flux bootstrap --path=./${clusterDir(labName)}`,
    "# writes flux-system/ here. Written once by cdk8s-homelab init, then yours: synth never touches this folder.",
    "apiVersion: kustomize.config.k8s.io/v1beta1",
    "kind: Kustomization",
    "resources:",
    "  # what flux bootstrap wrote: Flux's own components and its sync, so Flux upgrades from git",
    "  - flux-system",
    "  # what synth writes: the GitRepository of this repository and one Kustomization per layer",
    `  - ${bootstrap}`,
    "",
  ].join("\n");
}

/** How soon a layer's Kustomization retries after a failure. */
const RETRY_INTERVAL = Duration.minutes(1);
/** How long a layer's Kustomization waits for its resources to become ready, at the least. */
const TIMEOUT = Duration.minutes(5);
/** helm-controller's timeout of a HelmRelease that sets none. */
const HELM_DEFAULT_TIMEOUT = Duration.minutes(5);
/** Added to the slowest HelmRelease's timeout: time to fetch the chart and apply the layer. */
const TIMEOUT_MARGIN = Duration.minutes(1);

/**
 * The longest a Deployment's containers may take to start (a startup probe's `initialDelaySeconds` +
 * `periodSeconds` x `failureThreshold`), in milliseconds; 0 without a startup probe.
 */
function startupBudget(doc: Doc): number {
  const spec = (doc as { spec?: { template?: { spec?: { containers?: unknown } } } }).spec;
  const containers = spec?.template?.spec?.containers;
  let longest = 0;
  for (const c of Array.isArray(containers) ? containers : []) {
    const p = (c as { startupProbe?: Record<string, unknown> }).startupProbe;
    if (p === undefined) continue;
    const n = (key: string, fallback: number): number => (typeof p[key] === "number" ? (p[key] as number) : fallback);
    longest = Math.max(
      longest,
      (n("initialDelaySeconds", 0) + n("periodSeconds", 10) * n("failureThreshold", 3)) * 1000,
    );
  }
  return longest;
}

/**
 * How long a layer's Kustomization waits (`spec.timeout`) for the documents of its units: at least
 * {@link TIMEOUT}, and longer than the slowest HelmRelease among them (its `spec.timeout`, or Helm's
 * 5 minutes) and the slowest Deployment start (its startup probe's budget) by {@link TIMEOUT_MARGIN},
 * so Flux never gives up on a layer while Helm or a first start (an install onto a new volume) still runs.
 */
export function layerTimeout(units: readonly Unit[]): Duration {
  let slowest = 0;
  for (const doc of units.flatMap((u) => u.docs.map((d) => d.doc))) {
    if (doc.kind === "Deployment" && doc.apiVersion === "apps/v1") slowest = Math.max(slowest, startupBudget(doc));
    if (doc.kind !== "HelmRelease" || !doc.apiVersion.startsWith("helm.toolkit.fluxcd.io/")) continue;
    const spec = (doc as { spec?: { timeout?: unknown } }).spec;
    const text = typeof spec?.timeout === "string" ? spec.timeout : undefined;
    const ms = (text === undefined ? undefined : parseGoDuration(text)) ?? HELM_DEFAULT_TIMEOUT.toMilliseconds();
    slowest = Math.max(slowest, ms);
  }
  const needed = slowest === 0 ? 0 : slowest + TIMEOUT_MARGIN.toMilliseconds();
  return Duration.millis(Math.max(TIMEOUT.toMilliseconds(), needed));
}

/**
 * The bootstrap units (`source`, `layers`): a Kustomization for each layer whose folder is in
 * `active` (an empty layer has no folder), depending on the nearest active layers before it.
 * `decrypt` names the folders whose layers apply SOPS-encrypted secrets; `units` are the layers'
 * units, whose HelmReleases set each layer's timeout ({@link layerTimeout}).
 */
export function bootstrapUnits(
  lab: Homelab,
  layers: readonly Layer[],
  active: ReadonlySet<string>,
  decrypt: ReadonlySet<string>,
  units: readonly Unit[] = [],
): Unit[] {
  const flux = lab.kubernetes.flux;
  const chart = new Chart(new App(), BOOTSTRAP_DIR, { disableResourceNameHashes: true });
  const labels = commonLabels(lab.name);
  const source = new Construct(chart, "source");
  new GitRepository(source, "repository", {
    metadata: { name: lab.name, namespace: FLUX_NAMESPACE, labels },
    spec: {
      url: flux.url,
      ref: { branch: flux.branch },
      interval: flux.interval,
      // `flux bootstrap` keeps the deploy key for an SSH URL in the Secret "flux-system".
      ...(flux.url.startsWith("ssh://") ? { secretRef: { name: "flux-system" } } : {}),
    },
  });
  const kustomizations = new Construct(chart, "layers");
  const activeDeps = (layer: Layer): Layer[] =>
    layer.dependsOn.flatMap((d) => (active.has(d.dir) ? [d] : activeDeps(d)));
  for (const layer of layers.filter((l) => active.has(l.dir))) {
    const dependsOn = [...new Set(activeDeps(layer))];
    new Kustomization(kustomizations, layer.kustomizationName, {
      metadata: { name: layer.kustomizationName, namespace: FLUX_NAMESPACE, labels },
      spec: {
        interval: flux.interval,
        retryInterval: goDuration(RETRY_INTERVAL),
        timeout: goDuration(layerTimeout(units.filter((u) => u.dir === layer.dir))),
        path: `${flux.path.replace(/\/$/, "")}/${layer.dir}`,
        prune: true,
        wait: true,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: lab.name },
        ...(dependsOn.length > 0 ? { dependsOn: dependsOn.map((d) => ({ name: d.kustomizationName })) } : {}),
        ...(decrypt.has(layer.dir)
          ? {
              decryption: {
                provider: KustomizationSpecDecryptionProvider.SOPS,
                secretRef: { name: flux.sopsAgeSecret },
              },
            }
          : {}),
      },
    });
  }
  return collectUnits(chart, BOOTSTRAP_DIR).units;
}
