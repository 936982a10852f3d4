/**
 * A lab's entry point: a module whose default export is a {@link Lab}, made with
 * {@link defineLab}. The CLI finds it through the lab's package.json
 * (`"cdk8s-homelab": { "entry": "apps/lab.ts" }`, the default) and reads the
 * SOPS files of {@link Lab.secretsDir} itself, so the entry stays plain data.
 */
import type { LabDefinition } from "../synth/render.js";

/** What a lab's entry module exports by default. */
export interface Lab extends Omit<LabDefinition, "sopsFiles"> {
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
 * ```
 */
export function defineLab<T extends Lab>(lab: T): T {
  return lab;
}
