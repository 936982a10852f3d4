/**
 * The `vars.nix` attributes of the seed labs' options, in every preset: `nfs` (from the spec's `nfs`) and
 * `buildMachines` (from `nix.buildMachines`). Each is written only when the lab opts in, so other labs'
 * `vars.nix` stays as it was.
 */
import type { Homelab } from "../model/homelab.js";
import { compareStrings } from "../model/order.js";

/**
 * `buildMachines`: one entry per build machine, sorted by hostname, with exactly the fields of NixOS's
 * `nix.buildMachines` submodule: `hostName` (the host's resolvable name, `<hostname>.local` or
 * `<hostname>.<domain>`), `system` (its architecture), `maxJobs` (its cores; 1 when `hardware.cores` is
 * unknown), `speedFactor`, `supportedFeatures`, `sshUser` and `sshKey`.
 */
export function buildMachinesValue(homelab: Homelab): Record<string, unknown>[] | undefined {
  const options = homelab.nix.buildMachines;
  if (options === undefined) return undefined;
  return [...options.hosts]
    .sort(compareStrings)
    .map((name) => homelab.host(name)!)
    .map((h) => ({
      hostName: h.dnsName,
      system: h.architecture,
      maxJobs: h.hardware?.cores ?? 1,
      speedFactor: options.speedFactor,
      supportedFeatures: [...options.supportedFeatures],
      sshUser: options.sshUser,
      sshKey: options.sshKey,
    }));
}

/** `nfs`: the server's hostname, the standbys' hostnames and the replication interval (`"5m"`). */
export function nfsValue(homelab: Homelab): Record<string, unknown> | undefined {
  const nfs = homelab.nfs;
  if (nfs === undefined) return undefined;
  return { server: nfs.server, standbys: [...nfs.standbys], interval: nfs.interval };
}

/** The seed options' attributes to add to a preset's value: only those the lab opts in to. */
export function seedVars(homelab: Homelab): Record<string, unknown> {
  const nfs = nfsValue(homelab);
  const buildMachines = buildMachinesValue(homelab);
  return { ...(nfs === undefined ? {} : { nfs }), ...(buildMachines === undefined ? {} : { buildMachines }) };
}
