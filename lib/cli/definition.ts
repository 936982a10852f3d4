/** From a loaded lab to what the library renders: the entry's definition plus its SOPS files from disk. */
import { readSopsFiles } from "../synth/cli.js";
import type { LabDefinition } from "../synth/render.js";
import { DEFAULT_SECRETS_DIR } from "./lab.js";
import type { LoadedLab } from "./context.js";

/** The lab's definition with the SOPS files of its `secretsDir` read from disk. */
export function labDefinition(lab: LoadedLab): LabDefinition {
  const { secretsDir, ...def } = lab.definition;
  return { ...def, sopsFiles: readSopsFiles(lab.root, secretsDir ?? DEFAULT_SECRETS_DIR) };
}
