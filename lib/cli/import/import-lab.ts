/**
 * The import pipeline: evaluate the file, map it to a spec, validate the spec, and check that the spec's
 * `vars.nix` gives every attribute of the original back. Nothing here writes; the commands do, last.
 */
import { isDeepStrictEqual } from "node:util";
import { Homelab, formatProblems } from "../../model/index.js";
import { labVars } from "../../nix/emit.js";
import { evaluateVarsFile } from "./evaluate-vars.js";
import { ImportVarsError, specFromVars, type ImportedVars } from "./spec-from-vars.js";

/** Attribute paths of `original` whose value `emitted` does not give back (leaves compared; lists whole). */
export function attributesNotReproduced(original: unknown, emitted: unknown, at = "vars"): string[] {
  const isAttrs = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (isAttrs(original) && isAttrs(emitted)) {
    return Object.keys(original).flatMap((k) => attributesNotReproduced(original[k], emitted[k], `${at}.${k}`));
  }
  return isDeepStrictEqual(original, emitted) ? [] : [at];
}

/**
 * Imports the `vars.nix` at `file` as a lab named `name`.
 * @throws ImportVarsError when Nix is missing, the file does not evaluate, a value has the wrong type, or the
 *   spec made of it is not valid
 */
export function importVarsFile(
  file: string,
  name: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ImportedVars {
  const value = evaluateVarsFile(file, env);
  const imported = specFromVars(value, name);
  const { homelab, problems } = Homelab.validate(imported.spec);
  if (homelab === undefined) {
    throw new ImportVarsError([
      `the lab made of ${file} is not valid:\n${formatProblems(problems.filter((p) => p.level === "error"))}`,
    ]);
  }
  const missing = attributesNotReproduced(value, labVars(homelab));
  return missing.length === 0
    ? imported
    : {
        ...imported,
        notes: [
          ...imported.notes,
          `synth's vars.nix does not give these back as they are: ${missing.join(", ")} (adjust the spec or a vars mapping)`,
        ],
      };
}
