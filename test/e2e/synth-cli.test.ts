import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homelab } from "../fixtures/lab/homelab.js";
import { TempProject } from "../helpers/project.js";

let lab: TempProject;
let project: string;

/** Every file under `dir`, path -> content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && !path.relative(project, e.parentPath).startsWith("build")) {
      const abs = path.join(e.parentPath, e.name);
      out[path.relative(project, abs)] = fs.readFileSync(abs, "utf8");
    }
  }
  return out;
}

function synth(...args: string[]) {
  return lab.synth(args);
}

/** Writes a variant of the fixture lab's spec, made by `change`, as apps/homelab.ts. */
function editLab(change: (spec: any) => void): void {
  const spec = structuredClone(homelab) as any;
  change(spec);
  lab.writeSpec(spec);
}

beforeAll(() => {
  lab = new TempProject("synth-cli-");
  project = lab.dir;
});
afterAll(() => lab.remove());

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
    editLab((s) => {
      s.hosts[1].address = s.hosts[0].address;
      s.network.loadBalancerIps.pihole = "192.168.1.20";
    });
    const r = synth();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the homelab definition has 2 errors; nothing was written");
    expect(r.stderr).toContain(
      `error: apps/homelab.ts: hosts[1].address: ${homelab.hosts[0]!.address} is already the address of hosts[0]. Give every host its own address.`,
    );
    expect(r.stderr).toContain(
      "error: apps/homelab.ts: network.loadBalancerIps.pihole: 192.168.1.20 is outside the MetalLB pool",
    );
    const after = snapshot(project);
    delete after["apps/homelab.ts"];
    delete before["apps/homelab.ts"];
    expect(after).toEqual(before);
    fs.writeFileSync(path.join(project, "apps/homelab.ts"), original);
  });

  it("--check fails and lists the files when the committed output is stale", () => {
    editLab((s) => (s.network.loadBalancerIps.wireguard = "192.168.1.205"));
    const r = synth("--check");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("changed   nix/vars.nix");
    expect(synth().status).toBe(0);
    expect(fs.readFileSync(path.join(project, "nix/vars.nix"), "utf8")).toContain('wireguardIp = "192.168.1.205";');
    expect(synth("--check").status).toBe(0);
  });

  it("prunes the files of a removed host and keeps hand-written files", () => {
    expect(homelab.hosts.map((h) => h.hostname)).toContain("node3");
    editLab((s) => (s.hosts = s.hosts.filter((h: any) => h.hostname !== "node3")));
    const r = synth();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("removed nix/hosts/node3/roles.nix");
    expect(fs.existsSync(path.join(project, "nix/hosts/node3"))).toBe(false);
    expect(fs.readFileSync(path.join(project, "nix/README.md"), "utf8")).toBe("hand-written notes\n");
  });

  it("an exception in a construct writes nothing and says where it came from", () => {
    const before = snapshot(project);
    const original = fs.readFileSync(path.join(project, "apps/kubernetes.ts"), "utf8");
    lab.useKubernetes("throws");
    const r = synth();
    expect(r.status).toBe(1);
    // A mistake thrown by the user's code is a message naming the file it came from, not a crash.
    expect(r.stderr).toContain("the Kubernetes definitions stopped with an error; nothing was written:");
    expect(r.stderr).toContain("apps/variants/throws.ts: boom in a construct");
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(snapshot(project)).toEqual({ ...before, "apps/kubernetes.ts": snapshot(project)["apps/kubernetes.ts"] });
    fs.writeFileSync(path.join(project, "apps/kubernetes.ts"), original);
  });

  it("construct validation problems are all listed, with their paths, and nothing is written", () => {
    const before = snapshot(project);
    const original = fs.readFileSync(path.join(project, "apps/kubernetes.ts"), "utf8");
    lab.useKubernetes("invalid-nextcloud");
    const r = synth();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the Kubernetes definitions have \d+ problems; nothing was written/);
    expect(r.stderr).toContain("[apps/nextcloud");
    expect(r.stderr).toContain("nextcloud:latest");
    expect(r.stderr).toContain("port 80 is below 1024");
    const after = snapshot(project);
    delete after["apps/kubernetes.ts"];
    delete before["apps/kubernetes.ts"];
    expect(after).toEqual(before);
    fs.writeFileSync(path.join(project, "apps/kubernetes.ts"), original);
  });

  it("rejects unknown arguments", () => {
    const r = synth("--chek");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--chek'");
    expect(r.stderr).toContain("Usage: cdk8s-homelab synth [options]");
  });
});
