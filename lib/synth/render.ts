/**
 * The synth pipeline, Tanka-style: small pure steps from the definition to an
 * in-memory map of files. validate -> render Kubernetes -> render Nix -> check.
 * Nothing here touches the disk; lib/synth/write.ts does, last.
 */
import { Homelab, HomelabValidationError, type Problem } from "../model/index.js";
import { HomelabApp } from "../k8s/homelab-app.js";
import { externalsOf } from "../k8s/external.js";
import { renderKubernetes, type SopsFile } from "../k8s/render.js";
import type { ExpectedSecret } from "../k8s/sops.js";
import { labPage } from "../graph/index.js";
import { CheckError, runChecks, type CheckedDocument, type CheckResults } from "../check/index.js";
import { emitNix } from "../nix/emit.js";
import type { VarsMapping } from "../nix/vars-shape.js";
import { asDefinitionError } from "./definition-error.js";
import { MANIFEST_PATH, compareStrings, pathProblem, renderManifest, type FileMap } from "./files.js";

/** A lab to synthesize. */
export interface LabDefinition {
  /** The homelab spec (typed in TypeScript, or loaded from JSON/YAML). */
  readonly spec: unknown;
  /**
   * Where the spec is written, named in errors and generated headers.
   * @default "the homelab definition"
   */
  readonly source?: string;
  /**
   * Builds the lab's Kubernetes constructs into the app's layers
   * (`app.controllers`, `app.configs`, `app.apps`).
   * @default undefined - no dist/ (a lab without Kubernetes)
   */
  readonly kubernetes?: (app: HomelabApp) => void;
  /**
   * SOPS-encrypted Secret files (read from disk by the caller) to carry into dist/.
   * @default []
   */
  readonly sopsFiles?: readonly SopsFile[];
  /**
   * A `vars.nix` shape of your own, for a flake whose modules read names no preset (`nix.vars`) has: gets
   * the model and the preset's value, returns the attribute set to write.
   * @default undefined - the spec's preset (`nix.vars`) as it is
   */
  readonly vars?: VarsMapping;
}

/** The result of rendering: every file synth owns, and the validation warnings. */
export interface Rendered {
  readonly files: FileMap;
  readonly warnings: readonly Problem[];
  /** Warnings from the Kubernetes side (e.g. SOPS files still to create). */
  readonly notes: readonly string[];
  readonly homelab: Homelab;
  /** The rendered app, to inspect its construct tree. @default undefined - a lab without Kubernetes */
  readonly app?: HomelabApp;
  /** Every Secret the lab's layers expect, sorted by namespace/name, and whether a SOPS file provides it. */
  readonly secrets: readonly ExpectedSecret[];
  /** What the checks found that does not stop synth (warnings), and what constructs opted out of. */
  readonly checks: CheckResults;
}

export type { ExpectedSecret } from "../k8s/sops.js";

/** Thrown when the rendered files are inconsistent (a bug in a construct or emitter, not user input). */
export class RenderError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`synth produced invalid output; nothing was written:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "RenderError";
  }
}

/** Options of {@link render}. */
export interface RenderOptions {
  /**
   * Called with each group of files as soon as it is made (`dist/`'s manifests before the checks run, then
   * `nix/`, then the lab's page), so that a writer can start on them while the render goes on (synth stages
   * them on another thread). The files are final: {@link Rendered.files} holds the same texts, and the
   * manifest besides. If the render later fails, none of them is the lab's output.
   * @default undefined - the files are only returned
   */
  readonly onFiles?: (files: ReadonlyMap<string, string>) => void;
}

/**
 * Validates the definition and renders every generated file in memory.
 * @throws HomelabValidationError with every problem when the spec has errors
 * @throws CheckError listing every finding when a check reports an error
 * @throws DefinitionError when the Kubernetes definitions throw a mistake (e.g. `Size.gibibytes(-1)`)
 * @throws RenderError when the output breaks an invariant
 */
export function render(def: LabDefinition, options: RenderOptions = {}): Rendered {
  const source = def.source ?? "the homelab definition";
  const { homelab, problems } = Homelab.validate(def.spec);
  if (homelab === undefined) throw new HomelabValidationError(problems, source);
  const files = new Map<string, string>();
  const notes: string[] = [];
  let app: HomelabApp | undefined;
  let secrets: readonly ExpectedSecret[] = [];
  let documents: ReadonlyMap<string, readonly unknown[]> | undefined;
  let checked: readonly CheckedDocument[] = [];
  if (def.kubernetes !== undefined) {
    app = new HomelabApp(homelab);
    try {
      def.kubernetes(app);
    } catch (e) {
      throw asDefinitionError(e) ?? e;
    }
    const k8s = renderKubernetes(app, { source, sopsFiles: def.sopsFiles ?? [] });
    for (const [p, text] of k8s.files) files.set(p, text);
    options.onFiles?.(k8s.files);
    notes.push(...k8s.warnings);
    secrets = k8s.secrets;
    documents = k8s.documents;
    checked = k8s.checked;
  }
  const externals = app === undefined ? [] : externalsOf(app);
  const checks = runChecks({ homelab, documents: checked, secrets, sopsFiles: def.sopsFiles ?? [], externals });
  if (checks.findings.some((f) => f.severity === "error")) throw new CheckError(checks.findings);
  const nix = emitNix(homelab, { source, ...(def.vars ? { vars: def.vars } : {}) });
  for (const [p, text] of nix) files.set(p, text);
  options.onFiles?.(nix);
  // The lab's page, for reviewers: kustomize ignores it (no kustomization lists it).
  if (app !== undefined) {
    const page = labPage({ homelab, files, secrets, source, documents });
    files.set(LAB_PAGE_PATH, page);
    options.onFiles?.(new Map([[LAB_PAGE_PATH, page]]));
  }
  return {
    files: finish(files),
    warnings: homelab.warnings,
    notes,
    homelab,
    secrets,
    checks,
    ...(app ? { app } : {}),
  };
}

/** Where synth writes the lab's generated page (a Mermaid picture and tables of the estate). */
export const LAB_PAGE_PATH = "dist/README.md";

/** Checks paths and texts, sorts the map and adds the manifest of owned files. */
export function finish(files: Map<string, string>): FileMap {
  const problems: string[] = [];
  for (const [p, text] of files) {
    const pp = pathProblem(p);
    if (pp !== undefined) problems.push(pp);
    if (!text.endsWith("\n")) problems.push(`${p} does not end with a newline`);
  }
  if (problems.length > 0) throw new RenderError(problems);
  const sorted = new Map([...files.entries()].sort(([a], [b]) => compareStrings(a, b)));
  sorted.set(MANIFEST_PATH, renderManifest(sorted));
  return sorted;
}
