/**
 * The files `cdk8s-homelab init DIR` writes: a small working lab (two hosts, the infrastructure and one
 * app), its tests, CI and Renovate. Templates import only the package's public API.
 */
import { clusterDir, clusterKustomization } from "../../k8s/flux.js";
import { PLACEHOLDER_AGE_RECIPIENT } from "../sops-config.js";
import { RENOVATE_CONFIG } from "../../versions/renovate.js";
import { LAB_DEPENDENCIES, LAB_DEV_DEPENDENCIES } from "./versions.js";

/** What the templates depend on. */
export interface TemplateOptions {
  /** The lab's package name (the folder's name, lowercased). */
  readonly name: string;
  /** The dependency spec of cdk8s-homelab: `^0.1.0`, or `file:/abs/path.tgz` with --package. */
  readonly packageSpec: string;
  /**
   * How the lab's spec is written: apps/homelab.ts (TypeScript) or apps/homelab.yaml (YAML, checked and
   * completed by editors through the package's JSON Schema).
   * @default "ts"
   */
  readonly spec?: SpecFormat;
}

/** How `init` writes the lab's spec: `ts` (apps/homelab.ts) or `yaml` (apps/homelab.yaml). */
export type SpecFormat = "ts" | "yaml";

/** The formats `init --spec` takes. */
export const SPEC_FORMATS: readonly SpecFormat[] = ["ts", "yaml"];

/** Where editors find the spec's JSON Schema, from apps/homelab.yaml. */
export const SCHEMA_FROM_APPS = "../node_modules/cdk8s-homelab/schema/homelab.schema.json";

/** apps/homelab.yaml: the YAML twin of apps/homelab.ts (a test checks that both are the same spec). */
function yamlSpec(name: string): string {
  return `# yaml-language-server: $schema=${SCHEMA_FROM_APPS}
#
# The lab: its hosts, network and domain. This is the one place where addresses, host names and the
# domain are written down; the Kubernetes side (kubernetes.ts) and nix/vars.nix are derived from it.
# Editors with the YAML language server complete and check it with the schema named above.
name: ${JSON.stringify(name)}
network:
  domain: home.example.net
  lan: 192.168.10.0/24
  gateway: 192.168.10.1
  upstreamDns: [1.1.1.1, 9.9.9.9]
  metallbPool: 192.168.10.200-192.168.10.209
  loadBalancerIps:
    ingress: 192.168.10.200
    pihole: 192.168.10.201
hosts:
  - { hostname: node1, address: 192.168.10.11, roles: [minimal-node, k3s-server], clusterInit: true }
  - { hostname: node2, address: 192.168.10.12, roles: [minimal-node, k3s-agent] }
kubernetes:
  ingressController: traefik
  flux: { url: "ssh://git@github.com/you/homelab", branch: main, path: ./dist }
  certificates: { acmeEmail: admin@example.net }
`;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Every file of a new lab, path -> text, in the order they are written. */
export function labTemplates(o: TemplateOptions): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    "package.json",
    json({
      name: o.name,
      version: "0.1.0",
      private: true,
      type: "module",
      "cdk8s-homelab": { entry: "apps/lab.ts" },
      scripts: {
        synth: "cdk8s-homelab synth",
        check: "cdk8s-homelab check",
        diff: "cdk8s-homelab diff",
        test: "tsc --noEmit -p . && vitest run",
      },
      dependencies: { "cdk8s-homelab": o.packageSpec, ...LAB_DEPENDENCIES },
      devDependencies: { ...LAB_DEV_DEPENDENCIES },
    }),
  );
  files.set(
    "tsconfig.json",
    json({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2023"],
        types: ["node"],
        strict: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: true,
        noEmit: true,
        verbatimModuleSyntax: true,
      },
      include: ["apps/**/*.ts", "test/**/*.ts"],
    }),
  );
  files.set(
    "cdk8s.yaml",
    [
      "# The cdk8s CLI (`cdk8s synth`) runs apps/main.ts, which runs `cdk8s-homelab synth`: both write the same",
      "# dist/ and nix/. `output` must not be dist/ (the cdk8s CLI empties it before each run).",
      "language: typescript",
      "app: node --import tsx apps/main.ts",
      "output: .cdk8s.out",
      "",
    ].join("\n"),
  );
  const yaml = o.spec === "yaml";
  if (yaml) files.set("apps/homelab.yaml", yamlSpec(o.name));
  else
    files.set(
      "apps/homelab.ts",
      `/**
 * The lab: its hosts, network and domain. This is the one place where addresses, host names and the
 * domain are written down; the Kubernetes side (kubernetes.ts) and nix/vars.nix are derived from it.
 */
import type { HomelabSpec } from "cdk8s-homelab/model";

export const homelab: HomelabSpec = {
  name: ${JSON.stringify(o.name)},
  network: {
    domain: "home.example.net",
    lan: "192.168.10.0/24",
    gateway: "192.168.10.1",
    upstreamDns: ["1.1.1.1", "9.9.9.9"],
    metallbPool: "192.168.10.200-192.168.10.209",
    loadBalancerIps: {
      ingress: "192.168.10.200",
      pihole: "192.168.10.201",
    },
  },
  hosts: [
    { hostname: "node1", address: "192.168.10.11", roles: ["minimal-node", "k3s-server"], clusterInit: true },
    { hostname: "node2", address: "192.168.10.12", roles: ["minimal-node", "k3s-agent"] },
  ],
  kubernetes: {
    ingressController: "traefik",
    flux: { url: "ssh://git@github.com/you/homelab", branch: "main", path: "./dist" },
    certificates: { acmeEmail: "admin@example.net" },
  },
};
`,
    );
  files.set(
    "apps/kubernetes.ts",
    `/**
 * The lab's Kubernetes side: the infrastructure every app stands on, then the apps. Every address and
 * host name comes from homelab.${yaml ? "yaml" : "ts"}.
 */
import { IngressedService, addInfrastructure, type HomelabApp } from "cdk8s-homelab/k8s";

export function defineKubernetes(app: HomelabApp): void {
  // MetalLB, cert-manager, the ingress controller on the "ingress" reservation, external-dns, Longhorn,
  // the CloudNativePG operator and Pi-hole on the "pihole" reservation.
  addInfrastructure(app);

  // A first app at https://whoami.<domain>.
  new IngressedService(app.apps, "whoami", {
    image: "docker.io/traefik/whoami:v1.11.0",
    port: 8080,
    env: { WHOAMI_PORT_NUMBER: "8080" },
    subdomain: "whoami",
  });
}
`,
  );
  files.set(
    "apps/lab.ts",
    `/**
 * The lab's entry: \`cdk8s-homelab\` finds it through package.json ("cdk8s-homelab": { "entry": ... })
 * and synthesizes its default export. SOPS-encrypted Secrets go in apps/secrets/ (\`secretsDir\`).
 */
import { defineLab } from "cdk8s-homelab";
${yaml ? "" : 'import { homelab } from "./homelab.js";\n'}import { defineKubernetes } from "./kubernetes.js";

export default defineLab({
${yaml ? '  specFile: "apps/homelab.yaml",\n' : '  spec: homelab,\n  source: "apps/homelab.ts",\n'}  kubernetes: defineKubernetes,
});
`,
  );
  files.set(
    "apps/main.ts",
    `/** What \`cdk8s synth\` runs (cdk8s.yaml): the same synth as \`cdk8s-homelab synth\`. */
import { runLab } from "cdk8s-homelab/cli";
import lab from "./lab.js";

process.exitCode = await runLab(lab, ["synth", ...process.argv.slice(2)]);
`,
  );
  files.set(
    "test/lab.test.ts",
    `import { describe, expect, it } from "vitest";
import { synthLab } from "cdk8s-homelab/testing";
import lab from "../apps/lab.js";

const out = synthLab(lab);

describe("the lab", () => {
  it("serves whoami at https://whoami.<domain> through the ingress controller", () => {
    const ingress = out.find("Ingress", { namespace: "whoami", name: "whoami" });
    expect(ingress.spec.rules[0].host).toBe("whoami.home.example.net");
    expect(ingress.spec.tls[0].hosts).toEqual(["whoami.home.example.net"]);
  });

  it("gives the ingress controller its reserved address", () => {
    const traefik = out.find("HelmRelease", { namespace: "traefik", name: "traefik" });
    expect(JSON.stringify(traefik.spec.values)).toContain("192.168.10.200");
  });

  it("writes both hosts into vars.nix, node1 as the k3s server", () => {
    const vars = out.vars();
    expect(Object.keys(vars.nodes)).toEqual(["node1", "node2"]);
    expect(vars.k3s.servers).toEqual(["node1"]);
    expect(vars.domain).toBe("home.example.net");
  });
});
`,
  );
  files.set(
    ".gitignore",
    [
      "node_modules/",
      ".cdk8s.out/",
      "# synth's transaction folders (.synth-txn/ while it writes, .synth-txn-*/ while it cleans up)",
      ".synth-txn*",
      "*.tgz",
      "# age private keys never go to git",
      "*.agekey",
      "keys.txt",
      "",
    ].join("\n"),
  );
  files.set(
    ".sops.yaml",
    [
      "# SOPS rules for the lab's Secrets: encrypt each Secret into apps/secrets/ (synth carries it into dist/,",
      "# Flux decrypts it). Replace the placeholder with your age public key (`age-keygen -o key.txt`);",
      "# cdk8s-homelab synth warns until you do.",
      "creation_rules:",
      "  - path_regex: ^apps/secrets/.*\\.sops\\.yaml$",
      "    encrypted_regex: ^(data|stringData)$",
      `    age: ${PLACEHOLDER_AGE_RECIPIENT}`,
      "",
    ].join("\n"),
  );
  files.set(
    ".github/workflows/check.yml",
    [
      "# Fails when dist/ or nix/ are not what the lab produces, or the lab's tests fail.",
      "name: check",
      "on:",
      "  push:",
      "  pull_request:",
      "jobs:",
      "  check:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "      - uses: actions/setup-node@v4",
      "        with:",
      "          node-version: 20",
      "          cache: npm",
      "      - run: npm ci && npx cdk8s-homelab check",
      "      - run: npm test",
      "",
    ].join("\n"),
  );
  files.set("renovate.json", json(RENOVATE_CONFIG));
  // Where `flux bootstrap --path` points: Flux's own files (flux-system/) and synth's dist/bootstrap together.
  files.set(`${clusterDir(o.name)}/kustomization.yaml`, clusterKustomization(o.name, "./dist"));
  files.set(
    "README.md",
    `# ${o.name}

A homelab described with [cdk8s-homelab](https://www.npmjs.com/package/cdk8s-homelab).

- \`apps/homelab.${yaml ? "yaml" : "ts"}\`: hosts, network, domain. \`apps/kubernetes.ts\`: infrastructure and apps.
- \`npx cdk8s-homelab synth\` writes \`dist/\` (for Flux) and \`nix/\` (for the NixOS flake); commit both.
- \`npx cdk8s-homelab check\` fails when they are stale (CI runs it); \`npm test\` runs \`test/\`.
- Flux: \`flux bootstrap github --owner=<you> --repository=${o.name} --path=./${clusterDir(o.name)}\`. Bootstrap
  writes \`${clusterDir(o.name)}/flux-system/\`; \`${clusterDir(o.name)}/kustomization.yaml\` (yours, synth never
  touches it) applies it together with \`dist/bootstrap\`, so Flux keeps upgrading itself from git.
`,
  );
  return files;
}
