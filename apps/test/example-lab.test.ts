/**
 * The example lab's own tests, written the way you test your lab: render it in memory with the
 * library's public API (`render` from `cdk8s-homelab/synth`, no disk written), then assert on the
 * manifests and on `nix/vars.nix`. When you rewrite apps/ for your lab, rewrite these to state what
 * matters in yours; the library's own tests (test/) do not read apps/.
 *
 * Run them alone with `npm run test:example`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Homelab } from "cdk8s-homelab/model";
import { readSopsFiles, render } from "cdk8s-homelab/synth";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { homelab } from "../homelab.js";
import { defineKubernetes } from "../kubernetes.js";

const root = path.resolve(import.meta.dirname, "../..");
const rendered = render({
  spec: homelab,
  source: "apps/homelab.ts",
  kubernetes: defineKubernetes,
  sopsFiles: readSopsFiles(root, "apps/secrets"),
});

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: any;
};

/** Every manifest of a dist/ file, parsed. */
function manifests(file: string): Manifest[] {
  const text = rendered.files.get(file);
  if (text === undefined) {
    throw new Error(`${file} was not rendered; rendered: ${[...rendered.files.keys()].join(", ")}`);
  }
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest)
    .filter((d) => d !== null);
}

/** The one manifest of `kind` named `name` in `file`. */
function one(file: string, kind: string, name: string): Manifest {
  const found = manifests(file).filter((d) => d.kind === kind && d.metadata.name === name);
  expect(found, `${kind} ${name} in ${file}`).toHaveLength(1);
  return found[0]!;
}

describe("the example lab", () => {
  it("is valid, with no warnings", () => {
    expect(Homelab.validate(homelab).problems).toEqual([]);
    expect(rendered.warnings).toEqual([]);
  });

  it("serves Nextcloud at cloud.<domain> over TLS, with its database credentials from CloudNativePG", () => {
    const ingress = one("dist/apps/nextcloud.yaml", "Ingress", "nextcloud");
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(["cloud.home.example.com"]);
    expect(ingress.spec.tls[0].hosts).toEqual(["cloud.home.example.com"]);
    const cluster = one("dist/apps/nextcloud.yaml", "Cluster", "nextcloud-db");
    expect(cluster.apiVersion).toBe("postgresql.cnpg.io/v1");
    const text = rendered.files.get("dist/apps/nextcloud.yaml")!;
    expect(text).toContain("nextcloud-db-app");
    expect(text).not.toMatch(/password: [^\n{]/i);
  });

  it("puts WireGuard on its reservation, and every load-balancer IP in the MetalLB pool", () => {
    const service = manifests("dist/apps/wireguard.yaml").find(
      (d) => d.kind === "Service" && d.spec?.type === "LoadBalancer",
    );
    expect(service?.metadata.annotations?.["metallb.io/loadBalancerIPs"]).toBe("192.168.1.201");
    const pool = one("dist/infrastructure/configs/metallb-config.yaml", "IPAddressPool", "homelab-pool");
    expect(pool.spec.addresses).toEqual(["192.168.1.200-192.168.1.220"]);
  });

  it("writes vars.nix with every host, the domain and the reservations", () => {
    const vars = rendered.files.get("nix/vars.nix")!;
    expect(vars).toContain('domain = "home.example.com";');
    for (const host of ["node1", "node2", "node3"]) expect(vars).toContain(`${host} = {`);
    expect(vars).toContain('wireguardIp = "192.168.1.201";');
    expect(vars).toContain('piholeIp = "192.168.1.200";');
    expect([...rendered.files.keys()].filter((p) => p.startsWith("nix/hosts/"))).toEqual([
      "nix/hosts/node1/roles.nix",
      "nix/hosts/node2/roles.nix",
      "nix/hosts/node3/roles.nix",
    ]);
  });

  it("the committed dist/ and nix/ are what the lab renders (run `npm run synth` and commit when this fails)", () => {
    const onDisk = (p: string) => {
      const abs = path.join(root, p);
      return fs.existsSync(abs) ? fs.readFileSync(abs, "utf8") : undefined;
    };
    const stale = [...rendered.files].filter(([p, text]) => onDisk(p) !== text);
    expect(stale.map(([p]) => p)).toEqual([]);
  });

  const nix = spawnSync("nix-instantiate", ["--version"], { env: { ...process.env, NIX_REMOTE: "dummy://" } });
  if (nix.status !== 0) console.warn("notice: nix-instantiate not found; skipping the example's role-module check");
  it.skipIf(nix.status !== 0)("every role a host imports exists in nix/roles/ (hand-written) and parses", () => {
    for (const host of homelab.hosts) {
      const hostFile = `./nix/hosts/${host.hostname}/roles.nix`;
      const expr = `map toString (import ${hostFile} { config = {}; lib = {}; pkgs = {}; }).imports`;
      const env = { ...process.env, NIX_REMOTE: "dummy://" };
      const args = ["--eval", "--strict", "--json", "--expr", expr];
      const r = spawnSync("nix-instantiate", args, { cwd: root, encoding: "utf8", env });
      expect(r.status, r.stderr).toBe(0);
      const imports = JSON.parse(r.stdout) as string[];
      expect(imports).toHaveLength(host.roles.length);
      for (const file of imports) {
        expect(fs.existsSync(file), file).toBe(true);
        expect(spawnSync("nix-instantiate", ["--parse", file], { encoding: "utf8", env }).status, file).toBe(0);
      }
    }
  });

  it("imports the library only by its package name, so a copy of apps/ works in another repository", () => {
    const apps = path.join(root, "apps");
    const sources = fs.readdirSync(apps, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    const wrong: string[] = [];
    for (const file of sources) {
      const text = fs.readFileSync(path.join(apps, file), "utf8");
      for (const [, spec] of text.matchAll(/from "([^"]+)"/g)) {
        const relative = spec!.startsWith(".");
        const target = path.resolve(path.dirname(path.join(apps, file)), spec!);
        const outside = relative && !target.startsWith(apps + path.sep);
        if (outside) wrong.push(`apps/${file}: ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
