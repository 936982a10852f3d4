/**
 * Everything synth wrote to dist/ validates against the upstream schemas
 * (kubernetes-models for core kinds, ../shared/crds for custom resources), passes
 * the rules JSON schema cannot express (HelmRelease chart/chartRef, CNPG
 * six-field schedules, no plaintext Secrets, Pod Security labels), defines no
 * object twice, and every folder's kustomization.yaml lists exactly its YAML
 * files and subfolders, sorted. All problems are collected and reported at once.
 *
 * If dist/ does not exist at all the test is skipped with a notice (synth has
 * not run yet); if it exists but holds no manifests, the test fails.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { checkDistTree, projectRoot } from "./helpers/schemas.js";

const distDir = path.join(projectRoot, "dist");
const distExists = fs.existsSync(distDir);
if (!distExists) console.warn(`dist-schemas: ${distDir} does not exist; skipping the dist/ validation (run npm run synth)`);

describe("dist/ manifests", () => {
  it.skipIf(!distExists)("validate against the upstream schemas and the project's rules", () => {
    const { files, documents, problems } = checkDistTree(distDir);
    expect(documents, "dist/ has no manifests; run npm run synth").toBeGreaterThan(0);
    expect(problems.length, `${problems.length} problem(s) in dist/ (${documents} documents in ${files} files):\n${problems.join("\n")}`).toBe(0);
  });
});
