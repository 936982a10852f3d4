/**
 * The real synth (scripts/synth.mjs, the npm run synth path) SIGKILLed at random
 * moments: whatever the moment, the tree is afterwards either exactly the old
 * one or exactly the new one (after the next run's roll-back), never a mix.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recover, TXN_DIR } from "../../lib/synth/write.js";
import { TempProject } from "../helpers/project.js";

const p = new TempProject("synth-kill-");
afterAll(() => p.remove());

function killAfter(ms: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["scripts/synth.mjs"], { cwd: p.dir, stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("exit", (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

describe("npm run synth killed at random moments", () => {
  it("leaves the old tree or the new one, never a mix", async () => {
    expect(p.synth().status).toBe(0); // warm the bundle cache and write the old tree
    const old = p.snapshot();
    p.edit("apps/homelab.ts", (t) => t.replace('domain: "home.example.com"', 'domain: "lab.example.org"').replace('wireguard: "192.168.1.201"', 'wireguard: "192.168.1.211"'));
    expect(p.synth().status).toBe(0);
    const fresh = p.snapshot();
    expect(Object.keys(fresh).filter((f) => fresh[f] !== old[f]).length).toBeGreaterThan(5);
    // How long a synth of the changed definition takes (bundle rebuild included): kill inside that window.
    p.edit("apps/homelab.ts", (t) => t.replace('domain: "lab.example.org"', 'domain: "home.example.com"').replace('wireguard: "192.168.1.211"', 'wireguard: "192.168.1.201"'));
    expect(p.synth().status).toBe(0);
    p.edit("apps/homelab.ts", (t) => t.replace('domain: "home.example.com"', 'domain: "lab.example.org"').replace('wireguard: "192.168.1.201"', 'wireguard: "192.168.1.211"'));
    const t0 = performance.now();
    expect(p.synth().status).toBe(0);
    const duration = performance.now() - t0;
    const outcomes = { old: 0, new: 0, killed: 0 };
    for (let i = 0; i < 12; i++) {
      // Go back to the old tree by synthesizing the old definition, then kill a synth of the new one.
      p.edit("apps/homelab.ts", (t) => t.replace('domain: "lab.example.org"', 'domain: "home.example.com"').replace('wireguard: "192.168.1.211"', 'wireguard: "192.168.1.201"'));
      expect(p.synth().status).toBe(0);
      p.edit("apps/homelab.ts", (t) => t.replace('domain: "home.example.com"', 'domain: "lab.example.org"').replace('wireguard: "192.168.1.201"', 'wireguard: "192.168.1.211"'));
      // Kill points spread over the second half of a run, where rendering and writing happen.
      const signal = await killAfter(Math.floor(duration * (0.5 + (0.6 * i) / 12)));
      if (signal === "SIGKILL") outcomes.killed++;
      if (fs.existsSync(path.join(p.dir, TXN_DIR))) recover(p.dir); // what the next synth does first
      const now = p.snapshot();
      const same = (a: Record<string, string>) => JSON.stringify(a) === JSON.stringify(now);
      if (same(old)) outcomes.old++;
      else if (same(fresh)) outcomes.new++;
      else expect.fail(`a kill left a mixed tree: ${Object.keys(now).filter((f) => now[f] !== old[f] && now[f] !== fresh[f]).join(", ")}`);
    }
    console.info(`synth-kill: ${JSON.stringify(outcomes)} over a ${duration.toFixed(0)} ms run`);
    expect(outcomes.old + outcomes.new).toBe(12);
    expect(outcomes.killed).toBeGreaterThan(0);
  }, 120_000);
});
