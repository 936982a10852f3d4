/**
 * The launcher (bin/cdk8s-homelab.mjs) on small labs in temporary folders that reach the library through
 * node_modules/cdk8s-homelab (a link to this repository): the entry from package.json, its mistakes, the
 * cache, a tree held by another synth. Every process is awaited; nothing depends on timing.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { selfOwner } from "../../lib/synth/lock.js";
import { repo } from "../helpers/project.js";

const launcher = path.join(repo, "bin/cdk8s-homelab.mjs");
const env = { ...process.env, CDK8S_CHECK_UPGRADE: "false", NO_COLOR: "1" };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-launcher-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const SPEC = `{
  name: "tiny",
  network: { domain: "tiny.example.org", lan: "10.1.0.0/24", gateway: "10.1.0.1", metallbPool: "10.1.0.240-10.1.0.250" },
  hosts: [{ hostname: "c1", address: "10.1.0.11", roles: ["minimal-node", "k3s-server"], clusterInit: true }],
}`;

/** A lab folder: package.json (with `config` as its "cdk8s-homelab" field), files, and the library linked. */
function makeLab(name: string, files: Record<string, string>, config?: unknown): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  fs.symlinkSync(repo, path.join(dir, "node_modules/cdk8s-homelab"));
  const pkg = { name, private: true, type: "module", ...(config === undefined ? {} : { "cdk8s-homelab": config }) };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** Every path under `dir` but node_modules/, with the SHA-256 of each file (and the target of each link). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (r === "node_modules") continue;
      const full = path.join(dir, r);
      if (e.isSymbolicLink()) out[r] = `link ${fs.readlinkSync(full)}`;
      else if (e.isDirectory()) {
        out[r] = "dir";
        walk(r);
      } else out[r] = createHash("sha256").update(fs.readFileSync(full)).digest("hex");
    }
  };
  walk("");
  return out;
}

/** A module that would announce itself if it were ever run. */
const MARKER = "PLANTED-BUNDLE-RAN";
const PLANTED = `console.log(${JSON.stringify(MARKER)}); console.error(${JSON.stringify(MARKER)});
export const runEntry = () => 0;
export const entry = {};
`;

const run = (cwd: string, args: string[]) =>
  spawnSync(process.execPath, [launcher, ...args], { cwd, env, encoding: "utf8" });

const goodEntry = `import { defineLab } from "cdk8s-homelab";\nexport default defineLab({ spec: ${SPEC}, source: "src/tiny.ts" });\n`;

describe("the launcher", () => {
  it("runs the entry package.json names, from any folder of the lab, and caches under node_modules/.cache", () => {
    const dir = makeLab("configured", { "src/tiny.ts": goodEntry, "docs/.keep": "" }, { entry: "src/tiny.ts" });
    const r = run(path.join(dir, "docs"), ["synth"]);
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, "nix/vars.nix"), "utf8")).toContain('domain = "tiny.example.org";');
    const cache = path.join(dir, "node_modules/.cache/cdk8s-homelab");
    const bundles = fs.readdirSync(cache).filter((f) => f.endsWith(".mjs"));
    expect(bundles.length).toBeGreaterThan(0);
    expect(run(dir, ["check"]).status).toBe(0);
  });

  it("rebuilds when an input changes, so an edit is never served stale", () => {
    const dir = makeLab("edited", { "apps/lab.ts": goodEntry });
    expect(run(dir, ["synth"]).status).toBe(0);
    const entry = path.join(dir, "apps/lab.ts");
    fs.writeFileSync(entry, goodEntry.replace("tiny.example.org", "small.example.org"));
    const check = run(dir, ["check"]);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("changed   nix/vars.nix");
  });

  it("never runs a cached bundle whose bytes differ from its record: it rebuilds instead", () => {
    const dir = makeLab("tampered", { "apps/lab.ts": goodEntry });
    expect(run(dir, ["synth"]).status).toBe(0);
    const cache = path.join(dir, "node_modules/.cache/cdk8s-homelab");
    const bundles = fs.readdirSync(cache).filter((f) => f.endsWith(".mjs"));
    expect(bundles).toHaveLength(1);
    // Same name, same record, same inputs: only the bundle's bytes changed.
    fs.writeFileSync(path.join(cache, bundles[0]!), PLANTED);
    const r = run(dir, ["check"]);
    expect(r.stdout + r.stderr).not.toContain(MARKER);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^check: \d+ generated files are up to date/);
    expect(fs.readFileSync(path.join(cache, bundles[0]!), "utf8")).not.toContain(MARKER);
  });

  it("never believes a record it did not sign, even one whose hashes all match (a committed cache)", () => {
    const dir = makeLab("forged", { "apps/lab.ts": goodEntry });
    expect(run(dir, ["synth"]).status).toBe(0);
    const cache = path.join(dir, "node_modules/.cache/cdk8s-homelab");
    const recordFile = fs.readdirSync(cache).find((f) => f.endsWith(".json"))!;
    const record = JSON.parse(fs.readFileSync(path.join(cache, recordFile), "utf8"));
    // What someone who commits node_modules/.cache can write: a consistent record for a bundle of theirs,
    // with no inputs left to check, but without this user's secret.
    fs.writeFileSync(path.join(cache, record.bundle), PLANTED);
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    const forged = { ...record, inputs: {}, inputsKey: sha("[]"), bundleSha256: sha(PLANTED), mac: sha("guess") };
    fs.writeFileSync(path.join(cache, recordFile), JSON.stringify(forged));
    const r = run(dir, ["check"]);
    expect(r.stdout + r.stderr).not.toContain(MARKER);
    expect(r.status, r.stderr).toBe(0);
  });

  it("check and diff write nothing in the lab (outside node_modules/), in git and outside it", () => {
    const dir = makeLab("readonly", { "apps/lab.ts": goodEntry });
    expect(run(dir, ["synth"]).status).toBe(0);
    fs.writeFileSync(path.join(dir, ".gitignore"), "node_modules/\n");
    const git = (args: string[]) => spawnSync("git", args, { cwd: dir, env, encoding: "utf8" });
    const before0 = snapshot(dir);
    for (const args of [["check"], ["check", "--json"], ["diff"], ["diff", "--json"], ["synth", "--check"]]) {
      expect(run(dir, args).status, args.join(" ")).toBe(0);
    }
    expect(snapshot(dir)).toEqual(before0);
    expect(git(["init", "--quiet"]).status).toBe(0);
    git(["add", "-A"]);
    const commit = git(["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "lab"]);
    expect(commit.status, commit.stderr).toBe(0);
    // An edit: check and diff report it (exit 1) and still write nothing, .git/ included.
    fs.writeFileSync(path.join(dir, "apps/lab.ts"), goodEntry.replace("tiny.example.org", "small.example.org"));
    const before = snapshot(dir);
    for (const args of [["check"], ["diff"], ["diff", "--json"]]) {
      expect(run(dir, args).status, args.join(" ")).toBe(1);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it("says what to do when the entry exports no lab, or does not build", () => {
    const noDefault = makeLab("nodefault", { "apps/lab.ts": "export const lab = 1;\n" });
    const r1 = run(noDefault, ["synth"]);
    expect(r1.status).toBe(1);
    expect(r1.stderr).toContain("apps/lab.ts has no lab as its default export");
    const broken = makeLab("broken", {
      "apps/lab.ts": 'import { nothing } from "./missing.js";\nexport default nothing;\n',
    });
    const r2 = run(broken, ["synth"]);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain("the lab does not build; nothing was written");
    expect(r2.stderr).toContain("apps/lab.ts:1:");
    expect(r2.stderr).toContain('Could not resolve "./missing.js"');
    expect(fs.existsSync(path.join(broken, "nix"))).toBe(false);
  });

  it("outside any lab, lab commands say how to start one; init and --version need no lab", () => {
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), "cli-no-lab-"));
    try {
      const r = run(bare, ["synth"]);
      expect(r.stderr).toContain("no lab here: there is no package.json in");
      expect(r.stderr).toContain("start one with `cdk8s-homelab init DIR`");
      expect(r.status).toBe(1);
      expect(run(bare, ["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
      const init = run(bare, ["init", "newlab", "--no-install"]);
      expect(init.status, init.stderr).toBe(0);
      expect(fs.existsSync(path.join(bare, "newlab/apps/lab.ts"))).toBe(true);
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });

  it("refuses cleanly, without a stack trace, while another synth holds the tree", () => {
    const dir = makeLab("locked", { "apps/lab.ts": goodEntry });
    // The transaction folder of a live synth: this test's process owns it (lib/synth/lock.ts).
    fs.mkdirSync(path.join(dir, ".synth-txn"));
    // Held by this test's process, which is alive: the owner file a running synth writes.
    const owner = { ...selfOwner(), id: "0".repeat(32) };
    fs.writeFileSync(path.join(dir, ".synth-txn/owner.json"), JSON.stringify(owner));
    const r = run(dir, ["synth"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/synth is busy: another synth \(pid \d+ on [^)]+\) is writing this project/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, "nix"))).toBe(false);
  });
});
