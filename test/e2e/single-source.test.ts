/** One source of truth, end to end: one reservation changed in a lab's apps/ changes in dist/ and nix/. */
import { afterAll, describe, expect, it } from "vitest";
import { homelab } from "../fixtures/lab/homelab.js";
import { TempProject } from "../helpers/project.js";

const p = new TempProject("single-source-");
afterAll(() => p.remove());

describe("one source of truth, through npm run synth", () => {
  it("changing one reservation in apps/ changes it in dist/ and nix/vars.nix, and leaves the old one nowhere", () => {
    expect(p.synth().status).toBe(0);
    const before = p.snapshot();
    const old = homelab.network.loadBalancerIps!.wireguard!;
    expect(Object.values(before).join("\n")).toContain(old);
    const spec = structuredClone(homelab) as any;
    spec.network.loadBalancerIps.wireguard = "192.168.1.215";
    p.writeSpec(spec);
    const r = p.synth();
    expect(r.status, r.stderr).toBe(0);
    const after = p.snapshot();
    const changed = Object.keys(after)
      .filter((f) => after[f] !== before[f])
      .sort();
    // the lab's page lists every reservation; the manifest records each file's hash, so it changes with them
    expect(changed).toEqual(["dist/README.md", "dist/apps/wireguard.yaml", "nix/vars.nix", "synth-manifest.json"]);
    expect(after["nix/vars.nix"]).toContain('wireguardIp = "192.168.1.215";');
    expect(after["dist/apps/wireguard.yaml"]).toContain('metallb.io/loadBalancerIPs: "192.168.1.215"');
    expect(Object.values(after).join("\n")).not.toContain(old);
  });
});
