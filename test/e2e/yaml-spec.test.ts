/**
 * A lab whose spec is apps/homelab.yaml, through the real launcher (`npm run synth`: the bundled entry):
 * it writes what the TypeScript twin writes (the headers name the YAML file instead), reads the file
 * again on every run (the launcher's cached bundle does not hold it), and refuses a broken file with its
 * line and column, writing nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TempProject, repo } from "../helpers/project.js";

const p = new TempProject("yaml-spec-");
afterAll(() => p.remove());

const ENTRY = `import { defineLab } from "cdk8s-homelab";
import { defineKubernetes } from "./kubernetes.js";

export default defineLab({ specFile: "apps/homelab.yaml", kubernetes: defineKubernetes });
`;

describe("a lab with its spec in apps/homelab.yaml, through npm run synth", () => {
  it("writes what its TypeScript twin writes, picks up edits, and refuses a broken file", () => {
    const ts = p.synth();
    expect(ts.status, ts.stderr).toBe(0);
    const fromTs = p.snapshot();

    fs.copyFileSync(path.join(repo, "test/fixtures/yaml-lab/homelab.yaml"), path.join(p.dir, "apps/homelab.yaml"));
    fs.rmSync(path.join(p.dir, "apps/homelab.ts"));
    fs.writeFileSync(path.join(p.dir, "apps/lab.ts"), ENTRY);
    const yaml = p.synth();
    expect(yaml.status, yaml.stderr).toBe(0);
    const fromYaml = p.snapshot();

    // Same files; each the same text but for the source its header names (the manifest holds their hashes).
    expect(Object.keys(fromYaml).sort()).toEqual(Object.keys(fromTs).sort());
    let renamed = 0;
    for (const [file, text] of Object.entries(fromTs)) {
      if (file === "synth-manifest.json") continue;
      const expected = text.replaceAll("apps/homelab.ts", "apps/homelab.yaml");
      if (expected !== text) renamed++;
      expect(fromYaml[file], file).toBe(expected);
    }
    expect(renamed).toBeGreaterThan(5);
    expect(fromYaml["nix/vars.nix"]!.split("\n")[0]).toContain("apps/homelab.yaml");

    // An edit of the YAML alone reaches the output on the next run (no stale cached bundle).
    p.edit("apps/homelab.yaml", (t) => t.replace("wireguard: 192.168.1.201", "wireguard: 192.168.1.215"));
    const edited = p.synth();
    expect(edited.status, edited.stderr).toBe(0);
    const afterEdit = p.snapshot();
    expect(afterEdit["nix/vars.nix"]).toContain('wireguardIp = "192.168.1.215";');

    // A broken file: exit 1, its line and column, no stack trace, nothing written.
    p.edit("apps/homelab.yaml", (t) => t.replace("address: 192.168.1.13", "address: 192.168.1.313"));
    const broken = p.synth();
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/error: apps\/homelab\.yaml:36:5: hosts\[2\]\.address: "192\.168\.1\.313"/);
    expect(broken.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(p.snapshot()).toEqual(afterEdit);
  });
});
