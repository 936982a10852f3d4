/**
 * Everything synth renders into dist/ for the fixture lab (rendered in memory now, not the
 * committed dist/ of the example) validates against the upstream schemas (kubernetes-models for
 * core kinds, ../shared/crds for custom resources), passes the rules JSON schema cannot express
 * (HelmRelease chart/chartRef, CNPG six-field schedules, no plaintext Secrets, Pod Security
 * labels), defines no object twice, and every folder's kustomization.yaml lists exactly its YAML
 * files and subfolders, sorted. All problems are collected and reported at once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderLab, writeTree } from "./helpers/lab.js";
import { checkDistTree, crdsAvailable } from "./helpers/schemas.js";

const tree = writeTree(renderLab(), "dist-schemas-");
afterAll(() => fs.rmSync(tree, { recursive: true, force: true }));

describe("dist/ manifests of a fresh render", () => {
  it.skipIf(!crdsAvailable("dist-schemas"))("validate against the upstream schemas and the project's rules", () => {
    const { files, documents, problems } = checkDistTree(path.join(tree, "dist"));
    expect(files).toBeGreaterThan(10);
    expect(documents, "the render has no manifests").toBeGreaterThan(0);
    const report = [`${problems.length} problem(s) in dist/ (${documents} documents in ${files} files):`, ...problems];
    expect(problems.length, report.join("\n")).toBe(0);
  });
});
