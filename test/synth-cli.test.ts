import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = path.resolve(import.meta.dirname, "..");
let project: string;

/** Every file under `dir`, path -> content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      const abs = path.join(e.parentPath, e.name);
      out[path.relative(project, abs)] = fs.readFileSync(abs, "utf8");
    }
  }
  return out;
}

function synth(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "apps/main.ts", ...args], { cwd: project, encoding: "utf8" });
}

function editLab(edit: (text: string) => string): void {
  const file = path.join(project, "apps/homelab.ts");
  fs.writeFileSync(file, edit(fs.readFileSync(file, "utf8")));
}

beforeAll(() => {
  // A copy of the project (the example lab is edited), sharing lib/ and node_modules/.
  project = fs.mkdtempSync(path.join(os.tmpdir(), "synth-cli-"));
  for (const link of ["lib", "node_modules", "imports"]) fs.symlinkSync(path.join(repo, link), path.join(project, link));
  fs.cpSync(path.join(repo, "apps"), path.join(project, "apps"), { recursive: true });
  fs.copyFileSync(path.join(repo, "package.json"), path.join(project, "package.json"));
  fs.copyFileSync(path.join(repo, "tsconfig.json"), path.join(project, "tsconfig.json"));
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe("npm run synth, end to end", () => {
  it("writes nix/ and the manifest, then --check passes", () => {
    const r = synth();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^synth: \d+ files, \d+ written, 0 removed/);
    expect(fs.existsSync(path.join(project, "nix/vars.nix"))).toBe(true);
    expect(fs.existsSync(path.join(project, "nix/hosts/node1/roles.nix"))).toBe(true);
    const check = synth("--check");
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/generated files are up to date/);
  });

  it("a second synth changes nothing (byte-identical)", () => {
    const before = snapshot(path.join(project, "nix"));
    const r = synth();
    expect(r.stdout).toMatch(/, 0 written, 0 removed/);
    expect(snapshot(path.join(project, "nix"))).toEqual(before);
  });

  it("a broken lab prints every problem with its path, and leaves nix/ as it was", () => {
    fs.writeFileSync(path.join(project, "nix/README.md"), "hand-written notes\n");
    const before = snapshot(project);
    const original = fs.readFileSync(path.join(project, "apps/homelab.ts"), "utf8");
    editLab((t) => t.replace('address: "192.168.1.12"', 'address: "192.168.1.11"').replace('pihole: "192.168.1.200"', 'pihole: "192.168.1.20"'));
    const r = synth();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the homelab definition has 2 errors; nothing was written");
    expect(r.stderr).toContain("error: apps/homelab.ts: hosts[1].address: 192.168.1.11 is already the address of hosts[0]. Give every host its own address.");
    expect(r.stderr).toContain("error: apps/homelab.ts: network.loadBalancerIps.pihole: 192.168.1.20 is outside the MetalLB pool");
    const after = snapshot(project);
    delete after["apps/homelab.ts"];
    delete before["apps/homelab.ts"];
    expect(after).toEqual(before);
    fs.writeFileSync(path.join(project, "apps/homelab.ts"), original);
  });

  it("--check fails and lists the files when the committed output is stale", () => {
    editLab((t) => t.replace('wireguard: "192.168.1.201"', 'wireguard: "192.168.1.205"'));
    const r = synth("--check");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("changed   nix/vars.nix");
    expect(synth().status).toBe(0);
    expect(fs.readFileSync(path.join(project, "nix/vars.nix"), "utf8")).toContain('wireguardIp = "192.168.1.205";');
    expect(synth("--check").status).toBe(0);
  });

  it("prunes the files of a removed host and keeps hand-written files", () => {
    editLab((t) => t.replace(/\n    \{\n      hostname: "node3",[\s\S]*?\n    \},(?=\n  \],)/, ""));
    const r = synth();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("removed nix/hosts/node3/roles.nix");
    expect(fs.existsSync(path.join(project, "nix/hosts/node3"))).toBe(false);
    expect(fs.readFileSync(path.join(project, "nix/README.md"), "utf8")).toBe("hand-written notes\n");
  });

  it("rejects unknown arguments", () => {
    const r = synth("--chek");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown argument: --chek");
  });
});
