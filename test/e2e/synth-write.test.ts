import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MANIFEST_PATH, renderManifest } from "../../lib/synth/files.js";
import { HandWrittenFileError, TXN_DIR, planWrite, recover, writeFiles } from "../../lib/synth/write.js";

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "synth-write-"));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** A file map with its manifest, the way render() returns it. */
function files(entries: Record<string, string>): Map<string, string> {
  const m = new Map(Object.entries(entries));
  m.set(MANIFEST_PATH, renderManifest(m.keys()));
  return m;
}

/** Every file under root, path -> content. */
function tree(): Record<string, string> {
  return treeOf(root);
}

function treeOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else out[path.relative(root, abs).split(path.sep).join("/")] = fs.readFileSync(abs, "utf8");
    }
  };
  walk(root);
  return out;
}

const v1 = files({ "dist/apps/a.yaml": "a: 1\n", "dist/apps/b.yaml": "b: 1\n", "nix/vars.nix": "{ }\n", "nix/hosts/n1/roles.nix": "{ ... }: { }\n" });
const v2 = files({ "dist/apps/a.yaml": "a: 2\n", "dist/apps/c.yaml": "c: 2\n", "nix/vars.nix": "{ x = 1; }\n" });

describe("writeFiles", () => {
  it("writes, then finds nothing to do the second time", () => {
    const first = writeFiles(root, v1);
    expect(first.create).toHaveLength(5);
    const before = tree();
    const second = writeFiles(root, v1);
    expect(second.create.length + second.update.length + second.remove.length).toBe(0);
    expect(tree()).toEqual(before);
  });

  it("prunes generated files it no longer produces, with their empty folders, and keeps hand-written ones", () => {
    writeFiles(root, v1);
    fs.mkdirSync(path.join(root, "nix/roles"), { recursive: true });
    fs.writeFileSync(path.join(root, "nix/roles/k3s-server.nix"), "{ ... }: { }\n");
    fs.writeFileSync(path.join(root, "nix/README.md"), "hand-written\n");
    fs.writeFileSync(path.join(root, "dist/apps/notes.txt"), "mine\n");
    const plan = writeFiles(root, v2);
    expect(plan.remove).toEqual(["dist/apps/b.yaml", "nix/hosts/n1/roles.nix"]);
    const t = tree();
    expect(t["dist/apps/b.yaml"]).toBeUndefined();
    expect(fs.existsSync(path.join(root, "nix/hosts"))).toBe(false);
    expect(t["nix/roles/k3s-server.nix"]).toBe("{ ... }: { }\n");
    expect(t["nix/README.md"]).toBe("hand-written\n");
    expect(t["dist/apps/notes.txt"]).toBe("mine\n");
    expect(t["dist/apps/a.yaml"]).toBe("a: 2\n");
  });

  it("refuses to overwrite a file it did not write, and writes nothing", () => {
    fs.mkdirSync(path.join(root, "nix"), { recursive: true });
    fs.writeFileSync(path.join(root, "nix/vars.nix"), "# my own\n");
    const before = tree();
    expect(() => writeFiles(root, v1)).toThrow(HandWrittenFileError);
    expect(() => writeFiles(root, v1)).toThrow(/nix\/vars.nix/);
    expect(tree()).toEqual(before);
  });

  it("adopts an existing file whose content is already right", () => {
    fs.mkdirSync(path.join(root, "nix"), { recursive: true });
    fs.writeFileSync(path.join(root, "nix/vars.nix"), "{ }\n");
    expect(planWrite(root, v1).conflicts).toEqual([]);
  });

  it("leaves no transaction folder behind", () => {
    writeFiles(root, v1);
    writeFiles(root, v2);
    expect(fs.existsSync(path.join(root, TXN_DIR))).toBe(false);
  });
});

describe("a full disk (a real 256 KiB tmpfs)", () => {
  let mnt: string | undefined;
  beforeEach(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-full-"));
    const r = spawnSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir], { encoding: "utf8" });
    if (r.status === 0) mnt = dir;
    else {
      fs.rmdirSync(dir);
      console.warn(`full-disk test skipped: cannot mount a tmpfs here (${(r.stderr || String(r.error)).trim()})`);
    }
  });
  afterEach(() => {
    if (mnt !== undefined) {
      spawnSync("umount", [mnt]);
      fs.rmdirSync(mnt);
      mnt = undefined;
    }
  });

  it("fails with ENOSPC and leaves the old tree exactly as it was, with no transaction left", (ctx) => {
    if (mnt === undefined) return ctx.skip();
    const disk = mnt;
    writeFiles(disk, v1);
    const before = JSON.stringify(treeOf(disk));
    const big = files({ ...Object.fromEntries([...v2].filter(([p]) => p !== MANIFEST_PATH)), "dist/apps/huge.yaml": "x: y\n".repeat(100_000) });
    expect(() => writeFiles(disk, big)).toThrow(/ENOSPC/);
    expect(JSON.stringify(treeOf(disk))).toBe(before);
    expect(fs.existsSync(path.join(disk, TXN_DIR))).toBe(false);
  });
});

describe("a synth killed mid-write (a real SIGKILL)", () => {
  const fixture = path.join(import.meta.dirname, "../fixtures/killed-writer.ts");

  function killedWrite(phase: "stage" | "commit", index: number): void {
    const json = path.join(os.tmpdir(), `files-${process.pid}-${phase}-${index}.json`);
    fs.writeFileSync(json, JSON.stringify(Object.fromEntries(v2)));
    const r = spawnSync(process.execPath, ["--import", "tsx", fixture, root, json, phase, String(index)], { encoding: "utf8" });
    fs.rmSync(json);
    expect(r.signal, r.stderr).toBe("SIGKILL");
  }

  it("while staging: the old tree is intact, and the next run cleans up", () => {
    writeFiles(root, v1);
    const before = tree();
    killedWrite("stage", 1);
    const after = tree();
    expect(Object.keys(after).some((p) => p.startsWith(`${TXN_DIR}/`))).toBe(true);
    for (const [p, text] of Object.entries(before)) expect(after[p], p).toBe(text);
    expect(recover(root)).toBe(0);
    expect(tree()).toEqual(before);
  });

  for (const step of [0, 2, 4]) {
    it(`after ${step} of the commit's renames: the next run rolls the tree back exactly`, () => {
      writeFiles(root, v1);
      fs.writeFileSync(path.join(root, "nix/README.md"), "hand-written\n");
      const before = tree();
      killedWrite("commit", step);
      expect(fs.existsSync(path.join(root, TXN_DIR, "journal.json"))).toBe(true);
      expect(recover(root)).toBeGreaterThanOrEqual(step === 0 ? 0 : 1);
      expect(tree()).toEqual(before);
      // and a normal run afterwards reaches the new tree
      writeFiles(root, v2);
      expect(tree()["dist/apps/c.yaml"]).toBe("c: 2\n");
      expect(tree()["dist/apps/b.yaml"]).toBeUndefined();
    });
  }

  it("the next synth after an interrupted one rolls back first, then writes", () => {
    writeFiles(root, v1);
    killedWrite("commit", 2);
    expect(fs.existsSync(path.join(root, TXN_DIR))).toBe(true);
    writeFiles(root, v1); // recovers first, then finds nothing to do
    expect(fs.existsSync(path.join(root, TXN_DIR))).toBe(false);
  });
});
