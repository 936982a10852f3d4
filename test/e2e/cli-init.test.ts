/**
 * The CLI for real, as a new user meets it: `npm pack` the library (prepack builds it), `init` a lab in a
 * temporary folder with --package pointing at the tarball (init runs `npm install` from the registry),
 * then in the new lab: `npx cdk8s-homelab synth`, `npm test`, `npx cdk8s-homelab check`, an edit that
 * check reports as drift, an edit that diff shows (in git and outside it), graph, and bad input.
 * Every step waits for the previous one to exit: no timing.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repo } from "../helpers/project.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-init-e2e-"));
const lab = path.join(tmp, "mylab");
const env = {
  ...process.env,
  CDK8S_CHECK_UPGRADE: "false",
  NO_COLOR: "1",
  npm_config_audit: "false",
  npm_config_fund: "false",
};
let tarball: string;

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}
const cli = (args: string[], cwd = lab) => sh("npx", ["--no-install", "cdk8s-homelab", ...args], cwd);
const launcher = path.join(repo, "bin/cdk8s-homelab.mjs");

beforeAll(() => {
  const pack = sh("npm", ["pack", "--pack-destination", tmp], repo);
  expect(pack.status, pack.stderr).toBe(0);
  tarball = path.join(tmp, pack.stdout.trim().split("\n").pop()!);
  expect(fs.existsSync(tarball)).toBe(true);
  const init = sh(process.execPath, [launcher, "init", "mylab", "--package", tarball], tmp);
  expect(init.status, `${init.stdout}\n${init.stderr}`).toBe(0);
}, 600_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("a lab made by init from the packed library", () => {
  it("installs cdk8s-homelab from the tarball, compiled (no TypeScript sources shipped)", () => {
    const installed = path.join(lab, "node_modules/cdk8s-homelab");
    expect(fs.existsSync(path.join(installed, "build/pkg/lib/cli/index.js"))).toBe(true);
    expect(fs.existsSync(path.join(installed, "lib"))).toBe(false);
    expect(fs.existsSync(path.join(lab, ".git"))).toBe(true);
  });

  it("synth writes dist/ and nix/, warns about the placeholder age key, and check passes", () => {
    const synth = cli(["synth"]);
    expect(synth.status, synth.stderr).toBe(0);
    expect(synth.stdout).toMatch(/^synth: \d+ files, \d+ written, 0 removed/);
    expect(synth.stderr).toContain(".sops.yaml: creation_rules[0].age is still the placeholder recipient");
    expect(fs.readFileSync(path.join(lab, "dist/apps/whoami.yaml"), "utf8")).toContain("whoami.home.example.net");
    expect(fs.readFileSync(path.join(lab, "nix/vars.nix"), "utf8")).toContain('domain = "home.example.net";');
    const check = cli(["check"]);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^check: \d+ generated files are up to date/);
  });

  it("cdk8s synth's entry (apps/main.ts through tsx) writes the same bytes", () => {
    const r = sh(process.execPath, ["--import", "tsx", "apps/main.ts"], lab);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/, 0 written, 0 removed/);
  });

  it("npm test runs the lab's own tests (typecheck + vitest) green", () => {
    const r = sh("npm", ["test"], lab);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/3 passed/);
  });

  it("an edit of the lab is drift for check (exit 1, --json lists the files) until synth runs", () => {
    const file = path.join(lab, "apps/homelab.ts");
    fs.writeFileSync(
      file,
      fs.readFileSync(file, "utf8").replace('domain: "home.example.net"', 'domain: "lab.example.org"'),
    );
    const check = cli(["check", "--json"]);
    expect(check.status).toBe(1);
    const report = JSON.parse(check.stdout);
    expect(report.drift).toContainEqual({ path: "nix/vars.nix", state: "changed" });
    expect(report.drift).toContainEqual({ path: "dist/apps/whoami.yaml", state: "changed" });
    expect(cli(["synth"]).status).toBe(0);
    expect(cli(["check"]).status).toBe(0);
  });

  it("the scaffold's .gitignore keeps node_modules/ and synth's transaction folders out of git", () => {
    const lines = fs.readFileSync(path.join(lab, ".gitignore"), "utf8").split("\n");
    expect(lines).toContain("node_modules/");
    expect(lines).toContain(".synth-txn*");
  });

  it("diff shows an edit (a new domain, a new app) against the last commit, and graph draws the lab", () => {
    expect(sh("git", ["add", "-A"], lab).status).toBe(0);
    const commit = sh("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "lab"], lab);
    expect(commit.status, commit.stderr).toBe(0);
    expect(cli(["diff"]).status).toBe(0); // nothing changed since the commit

    const homelab = path.join(lab, "apps/homelab.ts");
    const before = fs.readFileSync(homelab, "utf8");
    expect(before).toContain('domain: "lab.example.org"'); // set by the drift test above
    fs.writeFileSync(homelab, before.replace('domain: "lab.example.org"', 'domain: "home.example.io"'));
    const kubernetes = path.join(lab, "apps/kubernetes.ts");
    const k8s = fs.readFileSync(kubernetes, "utf8");
    const added = `
  new IngressedService(app.apps, "echo", {
    image: "docker.io/ealen/echo-server:0.9.2",
    port: 8080,
    subdomain: "echo",
  });
}
`;
    expect(k8s.trimEnd().endsWith("}")).toBe(true);
    fs.writeFileSync(kubernetes, `${k8s.trimEnd().slice(0, -1)}${added}`);

    const diff = cli(["diff"]);
    expect(diff.status, diff.stderr).toBe(1);
    expect(diff.stderr).not.toContain("not a git work tree");
    // the changed Ingress: its host field, old -> new
    const host = /Ingress whoami\/whoami[\s\S]*\.host whoami\.lab\.example\.org -> whoami\.home\.example\.io/;
    expect(diff.stdout).toMatch(host);
    // the added app's resources
    for (const kind of ["Deployment", "Service", "Ingress"]) {
      expect(diff.stdout).toMatch(new RegExp(`^  \\+ ${kind} \\S*echo\\b`, "m"));
    }
    expect(diff.stdout, diff.stdout).toMatch(/^\s+domain "?lab\.example\.org"? -> "?home\.example\.io"?$/m); // vars.nix

    const json = cli(["diff", "--json"]);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ ok: true, against: "git HEAD", changed: true });

    const graph = cli(["graph"]);
    expect(graph.status, graph.stderr).toBe(0);
    expect(graph.stdout).toMatch(/^(```mermaid\n)?flowchart /m);
    expect(graph.stdout).toContain("node1");
    expect(graph.stdout).toContain("node2");
    expect(graph.stdout).toContain("echo.home.example.io");
  });

  it("outside git, diff compares with the files on disk and says so", () => {
    const copy = path.join(tmp, "nogit");
    fs.cpSync(lab, copy, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (src) => path.relative(lab, src) !== ".git",
    });
    expect(fs.existsSync(path.join(copy, ".git"))).toBe(false);
    const r = cli(["diff"], copy);
    expect(r.stderr).toContain("is not a git work tree: comparing with the files on disk");
    expect(r.status).toBe(1); // the edit above is not synthesized yet
    const json = JSON.parse(cli(["diff", "--json"], copy).stdout);
    expect(json).toMatchObject({ against: "disk", changed: true });
  });

  it("bad input: unknown command or flag prints usage and exits 2", () => {
    for (const args of [["frobnicate"], ["synth", "--frob"], ["check", "extra"]]) {
      const r = cli(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("Usage: cdk8s-homelab");
    }
  });

  it("a missing entry gets a message naming the expected file", () => {
    fs.renameSync(path.join(lab, "apps/lab.ts"), path.join(lab, "apps/lab.moved.ts"));
    try {
      const r = cli(["synth"]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("the lab's entry apps/lab.ts does not exist");
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      const json = cli(["check", "--json"]);
      expect(json.status).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: false,
        errors: [expect.stringContaining("apps/lab.ts does not exist")],
      });
    } finally {
      fs.renameSync(path.join(lab, "apps/lab.moved.ts"), path.join(lab, "apps/lab.ts"));
    }
  });

  it("init into a folder that is not empty writes nothing", () => {
    const before = fs.readdirSync(lab).sort();
    const r = cli(["init", "."]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("is not empty");
    expect(fs.readdirSync(lab).sort()).toEqual(before);
  });
});
