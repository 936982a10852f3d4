/**
 * `cdk8s-homelab/synth`: a lab rendered in memory, for scripts and tests. {@link render} validates a
 * {@link LabDefinition} and returns every file synth would write (dist/, nix/, synth-manifest.json)
 * without touching the disk; {@link readSopsFiles} reads the lab's SOPS-encrypted Secrets to carry in.
 * Writing is the CLI's job (`cdk8s-homelab synth`, or `runLab` from `cdk8s-homelab/cli`).
 *
 * ```ts
 * import { readSopsFiles, render } from "cdk8s-homelab/synth";
 * const rendered = render({ spec, kubernetes, sopsFiles: readSopsFiles(root, "apps/secrets") });
 * rendered.files.get("dist/apps/whoami.yaml");
 * ```
 *
 * This is the package's public API for synth: the writer, its lock and journal and the other modules
 * of lib/synth are internal.
 *
 * @module
 */
export {
  RenderError,
  render,
  type ExpectedSecret,
  type LabDefinition,
  type RenderOptions,
  type Rendered,
} from "./render.js";
export { readSopsFiles } from "./cli.js";
export { DefinitionError } from "./definition-error.js";
export type { FileMap } from "./files.js";
export type { SopsFile } from "../k8s/sops.js";
