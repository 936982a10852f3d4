/**
 * Every folder of dist/ (the fixture lab rendered in memory, written to a temporary folder) builds
 * with the real kustomize (`kubectl kustomize`), the way Flux's kustomize-controller builds it.
 * Skipped, with a notice, where kubectl is not installed.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderLab, writeTree } from "./helpers/lab.js";
import { loadYamlDocuments } from "./helpers/schemas.js";

const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
const available = kubectl.status === 0;
if (!available) {
  console.warn("kustomize build test skipped: kubectl not found (it runs `kubectl kustomize` on every dist/ folder)");
}

const files = renderLab();
const tree = writeTree(files, "kustomize-build-");
afterAll(() => fs.rmSync(tree, { recursive: true, force: true }));

describe.skipIf(!available)("kubectl kustomize dist/<layer>", () => {
  it("builds every folder, with every document of its files", () => {
    const found = [...files.keys()]
      .filter((p) => p.endsWith("/kustomization.yaml"))
      .map((p) => path.posix.dirname(p))
      .sort();
    expect(found).toEqual([
      "dist/apps",
      "dist/bootstrap",
      "dist/infrastructure/addons",
      "dist/infrastructure/configs",
      "dist/infrastructure/controllers",
      "dist/infrastructure/storage",
    ]);
    for (const dir of found) {
      const r = spawnSync("kubectl", ["kustomize", dir], { cwd: tree, encoding: "utf8" });
      expect(r.status, `${dir}: ${r.stderr}`).toBe(0);
      const built = loadYamlDocuments(r.stdout);
      const own = [...files]
        .filter(([p]) => path.posix.dirname(p) === dir && p.endsWith(".yaml") && !p.endsWith("/kustomization.yaml"))
        .flatMap(([, text]) => loadYamlDocuments(text));
      expect(own.length, dir).toBeGreaterThan(0);
      expect(built.length, dir).toBe(own.length);
    }
  });
});
