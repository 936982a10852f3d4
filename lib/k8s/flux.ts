/**
 * The Flux bootstrap folder (`dist/bootstrap/`): the GitRepository for this
 * repository and one Flux Kustomization per layer, ordered with `dependsOn`,
 * waiting for health (`wait: true`), pruning, and decrypting SOPS files in the
 * layers that apply secrets.
 */
import { Chart } from "cdk8s";
import { Construct } from "constructs";
import { GitRepository } from "../../imports/source.toolkit.fluxcd.io.js";
import {
  Kustomization,
  KustomizationSpecDecryptionProvider,
  KustomizationSpecSourceRefKind,
} from "../../imports/kustomize.toolkit.fluxcd.io.js";
import { commonLabels } from "./defaults.js";
import type { HomelabApp, Layer } from "./homelab-app.js";

/** Namespace Flux runs in (created by `flux install` / `flux bootstrap`). */
export const FLUX_NAMESPACE = "flux-system";

/** Folder of the bootstrap chart under dist/. */
export const BOOTSTRAP_DIR = "bootstrap";

/**
 * Builds the bootstrap chart: a Kustomization for each layer in `active` (the layers with
 * something to apply; an empty layer has no folder), depending on the nearest active layers
 * before it. `decrypt` says which layers apply SOPS-encrypted secrets.
 */
export function buildBootstrap(app: HomelabApp, active: ReadonlySet<Layer>, decrypt: ReadonlySet<Layer>): Chart {
  const lab = app.homelab;
  const flux = lab.kubernetes.flux;
  const chart = new Chart(app, BOOTSTRAP_DIR, { disableResourceNameHashes: true });
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
  const layers = new Construct(chart, "layers");
  const activeDeps = (layer: Layer): Layer[] =>
    layer.dependsOn.flatMap((d) => (active.has(d) ? [d] : activeDeps(d)));
  for (const layer of app.layers.filter((l) => active.has(l))) {
    const dependsOn = [...new Set(activeDeps(layer))];
    new Kustomization(layers, layer.kustomizationName, {
      metadata: { name: layer.kustomizationName, namespace: FLUX_NAMESPACE, labels },
      spec: {
        interval: flux.interval,
        retryInterval: "1m",
        timeout: "5m",
        path: `${flux.path.replace(/\/$/, "")}/${layer.dir}`,
        prune: true,
        wait: true,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: lab.name },
        ...(dependsOn.length > 0 ? { dependsOn: dependsOn.map((d) => ({ name: d.kustomizationName })) } : {}),
        ...(decrypt.has(layer)
          ? { decryption: { provider: KustomizationSpecDecryptionProvider.SOPS, secretRef: { name: flux.sopsAgeSecret } } }
          : {}),
      },
    });
  }
  return chart;
}
