/**
 * The real synth (scripts/synth.mjs, the npm run synth path) SIGKILLed at named steps of its
 * write (HOMELAB_SYNTH_KILL_AT, see lib/synth/write.ts): whatever the step, the tree is afterwards
 * exactly the old one (after the next run's roll-back), never a mix, and the next synth writes
 * the new one.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KILL_AT_ENV, recover, TXN_DIR } from "../../lib/synth/write.js";
import { homelab } from "../fixtures/lab/homelab.js";
import { TempProject } from "../helpers/project.js";

const p = new TempProject("synth-kill-");
afterAll(() => p.remove());

/** The fixture lab with another domain and WireGuard address: many files change. */
const changed = structuredClone(homelab) as any;
changed.network.domain = "lab.example.org";
changed.kubernetes.dns = { zone: "example.org" };
changed.network.loadBalancerIps.wireguard = "192.168.1.211";

function synthKilledAt(step: string) {
  const env = { ...process.env, [KILL_AT_ENV]: step };
  return spawnSync(process.execPath, ["scripts/synth.mjs"], { cwd: p.dir, encoding: "utf8", env });
}

describe("npm run synth killed at named steps of its write", () => {
  p.writeSpec(homelab);
  expect(p.synth().status).toBe(0);
  const old = p.snapshot();
  p.writeSpec(changed);
  const first = p.synth();
  expect(first.status, first.stderr).toBe(0);
  const fresh = p.snapshot();
  const [, written, removed] = /, (\d+) written, (\d+) removed/.exec(first.stdout) ?? [];
  const steps = Number(written) + Number(removed); // commit steps: one rename or unlink per changed file
  const changedFiles = Object.keys(fresh).filter((f) => fresh[f] !== old[f]);

  it("the new definition changes many files (the kill points below fall between them)", () => {
    expect(changedFiles.length).toBeGreaterThan(5);
    expect(steps).toBe(changedFiles.length);
  });

  const last = steps - 1;
  const mid = Math.floor(steps / 2);
  const points = ["stage:0", `stage:${last}`, "commit:0", `commit:${mid}`, `commit:${last}`, "cleanup"];
  // Each case goes from the tree the previous one left to the other definition (old -> new, then new -> old, ...),
  // so the killed run builds the bundle and the next run reuses it.
  let current: "old" | "fresh" = "fresh";
  it.each(points)(
    "killed at %s: the next run rolls back to exactly the tree before, then writes the new one",
    (step) => {
      const [from, to] = current === "old" ? [old, fresh] : [fresh, old];
      expect(p.snapshot()).toEqual(from);
      p.writeSpec(current === "old" ? changed : homelab);
      const killed = synthKilledAt(step);
      expect(killed.signal, `${step} did not kill synth: ${killed.stderr}`).toBe("SIGKILL");
      expect(fs.existsSync(path.join(p.dir, TXN_DIR))).toBe(true);
      recover(p.dir); // what the next synth does first
      expect(fs.existsSync(path.join(p.dir, TXN_DIR))).toBe(false);
      expect(p.snapshot()).toEqual(from);
      const next = p.synth();
      expect(next.status, next.stderr).toBe(0);
      expect(p.snapshot()).toEqual(to);
      current = current === "old" ? "fresh" : "old";
    },
  );

  it("an unknown step is refused before anything is written", () => {
    const before = p.snapshot();
    p.writeSpec(current === "old" ? changed : homelab);
    const r = synthKilledAt("halfway");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${KILL_AT_ENV}=halfway: not a step`);
    expect(p.snapshot()).toEqual(before);
  });
});
