/**
 * The CLI for real, as a new user meets it: `npm pack` the library (prepack builds it), `init` a lab in a
 * temporary folder with --package pointing at the tarball (init runs `npm install` from the registry),
 * then in the new lab: `npx cdk8s-homelab synth`, `npm test`, `npx cdk8s-homelab check`, an edit that
 * check reports as drift, and bad input. Every step waits for the previous one to exit: no timing.
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
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, errors: [expect.stringContaining("apps/lab.ts does not exist")] });
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
