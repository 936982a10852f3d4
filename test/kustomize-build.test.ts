/**
 * Every folder of dist/ builds with the real kustomize (`kubectl kustomize`), the way Flux's
 * kustomize-controller builds it. Skipped, with a notice, where kubectl is not installed.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadYamlDocuments } from "./helpers/schemas.js";
import { repo } from "./helpers/project.js";

const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
const available = kubectl.status === 0;
if (!available) console.warn("kustomize build test skipped: kubectl not found (it runs `kubectl kustomize` on every dist/ folder)");

function folders(): string[] {
  const dist = path.join(repo, "dist");
  return fs
    .readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name === "kustomization.yaml")
    .map((e) => path.relative(repo, e.parentPath))
    .sort();
}

describe.skipIf(!available)("kubectl kustomize dist/<layer>", () => {
  it("builds every folder, with every document of its files", () => {
    const found = folders();
    expect(found).toEqual(["dist/apps", "dist/bootstrap", "dist/infrastructure/configs", "dist/infrastructure/controllers"]);
    for (const dir of found) {
      const r = spawnSync("kubectl", ["kustomize", dir], { cwd: repo, encoding: "utf8" });
      expect(r.status, `${dir}: ${r.stderr}`).toBe(0);
      const built = loadYamlDocuments(r.stdout);
      const own = fs
        .readdirSync(path.join(repo, dir))
        .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
        .flatMap((f) => loadYamlDocuments(fs.readFileSync(path.join(repo, dir, f), "utf8")));
      expect(built.length, dir).toBe(own.length);
    }
  });
});
