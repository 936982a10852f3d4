/** The TypeScript modules an import writes: the spec (`apps/homelab.ts`) and the Kubernetes side wired to it. */
import type { ImportedVars } from "./spec-from-vars.js";

/** `value` as a TypeScript literal: JSON with identifier keys unquoted. */
function literal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/^(\s*)"([A-Za-z_$][\w$]*)":/gm, "$1$2:");
}

/** The spec module: `export const homelab: HomelabSpec = ...`, with the importer's notes as comments. */
export function specModule(imported: ImportedVars, from: string): string {
  const notes = imported.notes.map((n) => ` * - ${n}`);
  return [
    "/**",
    ` * The lab, imported from ${from} by \`cdk8s-homelab import-vars\` (preset "${imported.preset}": synth writes`,
    " * nix/vars.nix in the same shape). Edit it from here on; vars.nix is derived from it.",
    ...(notes.length > 0 ? [" *", " * Check these:", ...notes] : []),
    " */",
    'import type { HomelabSpec } from "cdk8s-homelab/model";',
    "",
    `export const homelab: HomelabSpec = ${literal(imported.spec)};`,
    "",
  ].join("\n");
}

/** The Kubernetes module: the infrastructure on the imported reservations, the WireGuard gateway when there are users. */
export function kubernetesModule(imported: ImportedVars): string {
  const options: string[] = [];
  if (imported.ingressReservation !== undefined && imported.ingressReservation !== "ingress") {
    options.push(`ingressController: { reservation: ${JSON.stringify(imported.ingressReservation)} }`);
  }
  if (!imported.pihole) options.push("pihole: false");
  const infra = options.length === 0 ? "addInfrastructure(app);" : `addInfrastructure(app, { ${options.join(", ")} });`;
  return [
    "/**",
    " * The lab's Kubernetes side, wired to the reservations imported from vars.nix. Every address and host name",
    " * comes from homelab.ts.",
    " */",
    `import { ${imported.wireguard ? "WireGuardGateway, " : ""}addInfrastructure, type HomelabApp } from "cdk8s-homelab/k8s";`,
    "",
    "export function defineKubernetes(app: HomelabApp): void {",
    `  ${infra}`,
    ...(imported.wireguard ? ['  new WireGuardGateway(app.apps, "wireguard");'] : []),
    "}",
    "",
  ].join("\n");
}

/** The lab's first test: its vars.nix gives back every attribute of the imported file. */
export function labTestModule(imported: ImportedVars, from: string): string {
  return [
    'import { describe, expect, it } from "vitest";',
    'import { synthLab } from "cdk8s-homelab/testing";',
    'import lab from "../apps/lab.js";',
    "",
    "const out = synthLab(lab);",
    "",
    "/** What the imported vars.nix held (the flake's modules read these). */",
    `const imported = ${literal(imported.original)};`,
    "",
    'describe("the lab", () => {',
    `  it("gives back every attribute of the vars.nix it was imported from (${from})", () => {`,
    "    expect(out.vars()).toMatchObject(imported);",
    "  });",
    "});",
    "",
  ].join("\n");
}
