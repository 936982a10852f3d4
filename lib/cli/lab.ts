/**
 * A lab's entry point: a module whose default export is a {@link Lab}, made with
 * {@link defineLab}. The CLI finds it through the lab's package.json
 * (`"cdk8s-homelab": { "entry": "apps/lab.ts" }`, the default) and reads the
 * SOPS files of {@link Lab.secretsDir} itself, so the entry stays plain data.
 */
import type { LabDefinition } from "../synth/render.js";

/** What a lab's entry module exports by default. */
export interface Lab extends Omit<LabDefinition, "sopsFiles" | "spec"> {
  /**
   * The homelab spec written in TypeScript (a `HomelabSpec`). Give this or {@link specFile}.
   * @default undefined - the spec is read from {@link specFile}
   */
  readonly spec?: unknown;
  /**
   * The homelab spec as a YAML or JSON file (`apps/homelab.yaml`, `apps/homelab.json`), relative to the
   * lab's root; the CLI and `synthLab` read it, and its problems carry the file's line and column. It
   * is also the `source` named in errors and generated headers. Give this or {@link spec}.
   * @default undefined - the spec is {@link spec}
   */
  readonly specFile?: string;
  /**
   * Folder (relative to the lab's root) holding the SOPS-encrypted Secrets (`*.sops.yaml`) that synth
   * carries into dist/.
   * @default "apps/secrets"
   */
  readonly secretsDir?: string;
}

/** The folder of SOPS files when {@link Lab.secretsDir} is left out. */
export const DEFAULT_SECRETS_DIR = "apps/secrets";

/**
 * Types a lab's definition; the entry module exports its result by default:
 * ```ts
 * export default defineLab({ spec: homelab, source: "apps/homelab.ts", kubernetes: defineKubernetes });
 * // or, with the spec in YAML:
 * export default defineLab({ specFile: "apps/homelab.yaml", kubernetes: defineKubernetes });
 * ```
 */
export function defineLab<T extends Lab>(lab: T): T {
  return lab;
}
