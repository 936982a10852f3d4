/** `hosts[i].hardware`: validated with spec paths, kept on the model's hosts, and never emitted to Nix. */
import { describe, expect, it } from "vitest";
import { emitNix } from "../lib/nix/emit.js";
import { Homelab } from "../lib/model/index.js";
import { memoryBytes } from "../lib/model/hardware.js";
import { homelab } from "./fixtures/lab/homelab.js";
import { odroidC4Lab } from "./fixtures/seed-hardware-labs.js";

function errorsWith(hardware: unknown): string[] {
  const spec = structuredClone(homelab) as unknown as { hosts: { hardware?: unknown }[] };
  spec.hosts[2]!.hardware = hardware;
  const { homelab: lab, problems } = Homelab.validate(spec);
  const errors = problems.filter((p) => p.level === "error");
  if (errors.length > 0) expect(lab).toBeUndefined();
  return errors.map((p) => `${p.path.join(".")}: ${p.message}`);
}

describe("hosts[i].hardware", () => {
  it("the Odroid C4 seed's boards: 4 cores and 4 GB each, on the model's hosts", () => {
    const lab = Homelab.create(odroidC4Lab);
    expect(lab.hosts.map((h) => h.hardware)).toEqual(Array(7).fill({ cores: 4, memory: 4 * 2 ** 30 }));
  });

  it("is optional, and leaves vars.nix and the host files as they were", () => {
    const spec = structuredClone(homelab) as unknown as { hosts: { hardware?: unknown }[] };
    spec.hosts[2]!.hardware = { cores: 4, memory: "4G" };
    expect(Homelab.create(homelab).hosts[2]!.hardware).toBeUndefined();
    expect(emitNix(Homelab.create(spec))).toEqual(emitNix(Homelab.create(homelab)));
  });

  it("memory sizes: whole numbers of K, M, G or T in binary units", () => {
    expect(memoryBytes("4G")).toBe(4 * 2 ** 30);
    expect(memoryBytes("3800M")).toBe(3800 * 2 ** 20);
    expect(memoryBytes("4Gi")).toBe(4 * 2 ** 30);
    expect(memoryBytes("4GB")).toBeUndefined();
    expect(memoryBytes("0G")).toBeUndefined();
    expect(memoryBytes("1.5G")).toBeUndefined();
  });

  it("every mistake is an error at its spec path, all at once", () => {
    expect(errorsWith({ cores: 0, memory: "4GB", ram: "4G" })).toEqual([
      "hosts.2.hardware.ram: is not a field of the hardware facts",
      "hosts.2.hardware.cores: must be a whole number of cores (at least 1), got number 0",
      'hosts.2.hardware.memory: must be a memory size, got "4GB"',
    ]);
    expect(errorsWith({ memory: 4096 })).toEqual(["hosts.2.hardware.memory: must be a memory size, got number 4096"]);
    expect(errorsWith("4G")).toEqual(['hosts.2.hardware: must be an object, got "4G"']);
    expect(errorsWith({ cores: 2.5 })).toEqual([
      "hosts.2.hardware.cores: must be a whole number of cores (at least 1), got number 2.5",
    ]);
  });
});
