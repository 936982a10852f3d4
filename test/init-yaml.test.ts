/**
 * `init DIR --spec yaml`: the scaffold writes its spec as apps/homelab.yaml (with the schema modeline
 * editors read), the same spec as the TypeScript scaffold's apps/homelab.ts, and its entry names it
 * as `specFile`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SCHEMA_FROM_APPS, labTemplates } from "../lib/cli/init/templates.js";
import { main } from "../lib/cli/main.js";
import { Homelab, parseSpec } from "../lib/model/index.js";
import { repo } from "./helpers/project.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "init-yaml-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, {
    cwd: tmp,
    version: "9.8.7",
    out: (t) => void (out += t),
    err: (t) => void (err += t),
  });
  return { code, out, err };
}

describe("init --spec yaml", () => {
  const yamlFiles = labTemplates({ name: "my-lab", packageSpec: "^1", spec: "yaml" });
  const tsFiles = labTemplates({ name: "my-lab", packageSpec: "^1" });

  it("writes the same spec as the TypeScript scaffold", async () => {
    // The TypeScript template imports only a type, which the transform erases: it runs as it is.
    const file = path.join(tmp, "homelab-template.ts");
    fs.writeFileSync(file, tsFiles.get("apps/homelab.ts")!);
    const { homelab } = (await import(file)) as { homelab: unknown };
    const spec = parseSpec(yamlFiles.get("apps/homelab.yaml")!, "apps/homelab.yaml");
    expect(spec).toStrictEqual(homelab);
    expect(Homelab.create(spec).hosts.map((h) => h.hostname)).toEqual(["node1", "node2"]);
  });

  it("points editors at the schema the package ships", () => {
    const first = yamlFiles.get("apps/homelab.yaml")!.split("\n")[0];
    expect(first).toBe(`# yaml-language-server: $schema=${SCHEMA_FROM_APPS}`);
    expect(SCHEMA_FROM_APPS).toBe("../node_modules/cdk8s-homelab/schema/homelab.schema.json");
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("schema");
    expect(fs.existsSync(path.join(repo, "schema/homelab.schema.json"))).toBe(true);
  });

  it("writes apps/homelab.yaml instead of apps/homelab.ts, and an entry with specFile", async () => {
    const r = await run(["init", "yaml-lab", "--no-install", "--spec", "yaml"]);
    expect(r.code, r.err).toBe(0);
    const dir = path.join(tmp, "yaml-lab");
    expect(fs.existsSync(path.join(dir, "apps/homelab.yaml"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "apps/homelab.ts"))).toBe(false);
    const entry = fs.readFileSync(path.join(dir, "apps/lab.ts"), "utf8");
    expect(entry).toContain('specFile: "apps/homelab.yaml"');
    expect(entry).not.toContain("./homelab.js");
    expect(r.out).toContain("edit apps/homelab.yaml");
  });

  it("refuses an unknown format as a usage error and writes nothing", async () => {
    const r = await run(["init", "toml-lab", "--no-install", "--spec", "toml"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--spec toml is not a spec format; use --spec ts (apps/homelab.ts) or --spec yaml");
    expect(fs.existsSync(path.join(tmp, "toml-lab"))).toBe(false);
  });
});
