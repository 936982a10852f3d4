/** From a loaded lab to what the library renders: the entry's definition plus its SOPS files from disk. */
import * as path from "node:path";
import { loadSpecFile } from "../model/spec-file.js";
import { readSopsFiles } from "../synth/cli.js";
import type { LabDefinition } from "../synth/render.js";
import { LabConfigError } from "./config.js";
import { DEFAULT_SECRETS_DIR, type Lab } from "./lab.js";
import type { LoadedLab } from "./context.js";

/** The lab's definition with its spec file (if it names one) and the SOPS files of its `secretsDir` read from disk. */
export function labDefinition(lab: LoadedLab): LabDefinition {
  const { secretsDir, specFile: _specFile, spec: _spec, source: _source, ...def } = lab.definition;
  return {
    ...def,
    ...labSpec(lab.root, lab.definition),
    sopsFiles: readSopsFiles(lab.root, secretsDir ?? DEFAULT_SECRETS_DIR),
  };
}

/**
 * The lab's spec and its source: `spec` as written, or the file `specFile` (relative to `root`) parsed.
 * @throws LabConfigError when the lab gives both `spec` and `specFile`
 * @throws HomelabValidationError when the spec file cannot be read or parsed (each problem at its line:column)
 */
export function labSpec(root: string, lab: Lab): { spec: unknown; source?: string } {
  const { spec, specFile, source } = lab;
  if (specFile === undefined) return source === undefined ? { spec } : { spec, source };
  if (spec !== undefined) {
    throw new LabConfigError(
      `the lab gives both spec and specFile ("${specFile}"); give one: the spec in TypeScript or the file.`,
    );
  }
  if (typeof specFile !== "string" || specFile === "") {
    throw new LabConfigError('the lab\'s specFile must be a file name like "apps/homelab.yaml".');
  }
  const name = specFile.split(path.sep).join("/");
  return { spec: loadSpecFile(path.resolve(root, specFile), name), source: name };
}
