/** Helpers for construct tests: build on the fixture lab (test/fixtures/lab), render as synth does, read the documents back. */
import { expect } from "vitest";
import { homelab as example } from "../fixtures/lab/homelab.js";
import { HomelabApp } from "../../lib/k8s/homelab-app.js";
import { ConstructValidationError, renderKubernetes } from "../../lib/k8s/render.js";
import { Homelab, type HomelabSpec } from "../../lib/model/index.js";
import { loadYamlDocuments } from "./schemas.js";

export type Manifest = Record<string, any>;

/** A deep copy of the fixture lab, changed by `edit`. */
export function lab(edit: (spec: any) => void = () => {}): HomelabSpec {
  const spec = structuredClone(example) as any;
  edit(spec);
  return spec;
}

/** Renders what `build` adds to a HomelabApp: the app layer's documents and texts, synth's warnings, all files. */
export function renderApps(build: (app: HomelabApp) => void, spec: HomelabSpec = example) {
  const app = new HomelabApp(Homelab.create(spec));
  build(app);
  const { files, warnings } = renderKubernetes(app);
  const texts = [...files].filter(([path]) => path.startsWith("dist/apps/") && !path.endsWith("/kustomization.yaml"));
  const docs = texts.flatMap(([, text]) => loadYamlDocuments(text) as Manifest[]);
  return { app, docs, warnings, files, text: texts.map(([, t]) => t).join("\n") };
}

/** The problems renderKubernetes reports for what `build` adds (fails when it does not throw). */
export function constructProblems(build: (app: HomelabApp) => void, spec: HomelabSpec = example): readonly string[] {
  const app = new HomelabApp(Homelab.create(spec));
  build(app);
  try {
    renderKubernetes(app);
  } catch (e) {
    expect(e).toBeInstanceOf(ConstructValidationError);
    return (e as ConstructValidationError).problems;
  }
  throw new Error("expected renderKubernetes to report problems");
}

/** The one document of `kind` (and `name`), asserting there is exactly one. */
export function one(docs: Manifest[], kind: string, name?: string): Manifest {
  const found = docs.filter((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
  expect(found, `${kind} ${name ?? ""}`).toHaveLength(1);
  return found[0]!;
}
