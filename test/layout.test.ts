/**
 * The library and the example lab are two things: no library test (anything under test/) imports
 * from or reads this repository's apps/, so a user can rewrite apps/ completely and these tests
 * stay green. The example lab's own tests live in apps/test/. (.ci/run also swaps apps/ for
 * another lab in a clone and runs the library's tests there.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const repo = path.resolve(import.meta.dirname, "..");
const apps = path.join(repo, "apps");

/** Every .ts/.mjs/.js file under `dir`, absolute. */
function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|mts|mjs|js)$/.test(f))
    .map((f) => path.join(dir, f));
}

/**
 * The places `file` reaches into the repository's apps/: relative imports that land there, or
 * paths built on the repository root.
 */
export function appsReferences(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from\s*|import\s*\(\s*)["']([^"']+)["']/g)) {
    const spec = m[1]!;
    if (!spec.startsWith(".")) continue;
    const target = path.resolve(path.dirname(file), spec);
    if (target === apps || target.startsWith(apps + path.sep)) found.push(`imports ${spec}`);
  }
  const rootPath = /\b(?:repo|projectRoot|repoRoot)\s*,\s*["'`]apps(?:[/"'`])/g;
  for (const m of text.matchAll(rootPath)) found.push(`builds a path: ${m[0]}`);
  return found;
}

describe("the library's tests and the example lab", () => {
  it("the detector finds a reference to apps/ (so the next case can fail)", () => {
    const file = path.join(repo, "test/x.test.ts");
    const fromApps = 'import { homelab } from "../apps/homelab.js";';
    expect(appsReferences(file, fromApps)).toEqual(["imports ../apps/homelab.js"]);
    const dynamic = 'await import("../../apps/main.ts")';
    expect(appsReferences(path.join(repo, "test/e2e/x.ts"), dynamic)).toEqual(["imports ../../apps/main.ts"]);
    expect(appsReferences(file, 'fs.cpSync(path.join(repo, "apps"), dir)')).toHaveLength(1);
    const fine = 'import { x } from "./fixtures/lab/homelab.js"; const f = "dist/apps/web.yaml";';
    expect(appsReferences(file, fine)).toEqual([]);
  });

  it("no file under test/ reads or imports this repository's apps/", () => {
    const files = sources(path.join(repo, "test")).filter((f) => f !== import.meta.filename);
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.flatMap((f) =>
      appsReferences(f, fs.readFileSync(f, "utf8")).map((r) => `${path.relative(repo, f)}: ${r}`),
    );
    expect(offenders).toEqual([]);
  });
});
