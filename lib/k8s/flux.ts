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
import { collectUnits, type Unit } from "./documents.js";
import { goDuration } from "./duration.js";
import type { Layer } from "./homelab-app.js";

/** Namespace Flux runs in (created by `flux install` / `flux bootstrap`). */
export const FLUX_NAMESPACE = "flux-system";

/** Folder of the bootstrap chart under dist/. */
export const BOOTSTRAP_DIR = "bootstrap";

/** How soon a layer's Kustomization retries after a failure. */
const RETRY_INTERVAL = Duration.minutes(1);
/** How long a layer's Kustomization waits for its resources to become ready. */
const TIMEOUT = Duration.minutes(5);

/**
 * The bootstrap units (`source`, `layers`): a Kustomization for each layer whose folder is in
 * `active` (an empty layer has no folder), depending on the nearest active layers before it.
 * `decrypt` names the folders whose layers apply SOPS-encrypted secrets.
 */
export function bootstrapUnits(
  lab: Homelab,
  layers: readonly Layer[],
  active: ReadonlySet<string>,
  decrypt: ReadonlySet<string>,
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
        timeout: goDuration(TIMEOUT),
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
