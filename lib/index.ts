/**
 * cdk8s-homelab: describe a NixOS + k3s + Flux homelab once, in TypeScript.
 * - `lib/model`: the typed homelab model and its validation (`Homelab`)
 * - `lib/nix`: the Nix AST, printer and the emitter for `nix/`
 * - `lib/k8s`: `HomelabApp`, `Infrastructure`, `IngressedService`, `PostgresApp`, `WireGuardGateway`
 * - `lib/synth`: render in memory, check, write atomically (`runCli`)
 * - `defineLab`: the default export of a lab's entry (apps/lab.ts), run by the `cdk8s-homelab` CLI
 */
export * from "./model/index.js";
export { emitNix, varsValue, hostImports, type EmitNixOptions } from "./nix/emit.js";
export * from "./k8s/index.js";
export * from "./synth/index.js";
export { defineLab, type Lab } from "./cli/lab.js";
