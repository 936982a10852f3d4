/**
 * The spec fields the seed labs need beyond a k3s lab: the NFS relation of the Nomad lab (`nfs`) and the
 * build machines of the Odroid lab (`nix.buildMachines`). Both are opt-in and each becomes one attribute of
 * `vars.nix` (`nfs`, `buildMachines`), so a fact of `nix.facts` may not take their names.
 */
import { validateBuildMachines, type BuildMachines } from "./build-machines.js";
import type { Host } from "./homelab.js";
import { validateNfs, type Nfs } from "./nfs.js";
import type { ProblemCollector } from "./problems.js";

/** Validates `nfs` and `nix.buildMachines` of the spec `root` against the validated hosts. */
export function validateSeedOptions(
  c: ProblemCollector,
  root: Readonly<Record<string, unknown>>,
  facts: Readonly<Record<string, unknown>>,
  hosts: readonly Host[],
  complete: boolean,
): { nfs: Nfs | undefined; buildMachines: BuildMachines | undefined } {
  const nfs = validateNfs(c, ["nfs"], root.nfs, hosts, complete);
  const nixSpec = root.nix;
  const raw =
    nixSpec !== null && typeof nixSpec === "object" && !Array.isArray(nixSpec)
      ? (nixSpec as Record<string, unknown>).buildMachines
      : undefined;
  const buildMachines = validateBuildMachines(
    c,
    ["nix", "buildMachines"],
    raw,
    hosts.map((h) => h.hostname),
    complete,
  );
  for (const [name, set] of [
    ["nfs", root.nfs !== undefined],
    ["buildMachines", raw !== undefined],
  ] as const) {
    if (set && Object.hasOwn(facts, name)) {
      c.error(
        ["nix", "facts", name],
        `vars.nix already has "${name}" (written from ${name === "nfs" ? "nfs" : "nix.buildMachines"})`,
        "Rename the fact, or change the model's value instead of repeating it here.",
      );
    }
  }
  return { nfs, buildMachines };
}
