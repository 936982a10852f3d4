/**
 * Import an existing vars.nix (issue 10, part 3): `import-vars` and `init --from-vars` evaluate the file with the
 * real Nix, pick the preset that reproduces it and write a typed spec; the round trip gives every attribute of the
 * original back (compared inside Nix); bad input writes nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../lib/cli/main.js";
import { Homelab, type HomelabSpec } from "../lib/model/index.js";
import { emitNix } from "../lib/nix/emit.js";
import { render } from "../lib/synth/render.js";
import { isPlaceholder } from "../lib/model/placeholders.js";
import { PLACEHOLDER_ACME_EMAIL, PLACEHOLDER_FLUX_URL } from "../lib/cli/import/spec-from-vars.js";
import { repo } from "./helpers/project.js";
import { itNix, nixEvalBool, nixEvalJson } from "./helpers/nix.js";
import { synthLab } from "../lib/testing/index.js";
import { nixlabSpec } from "./fixtures/nixlab-lab.js";
import type { HomelabApp } from "../lib/k8s/homelab-app.js";

// Outside the repository: other tests walk test/ (a folder that comes and goes there would race with them).
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "adopt-import-")));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The nixlab replica's vars.nix, as nixlab-style flakes have it: the file to import. */
const original = emitNix(Homelab.create(nixlabSpec)).get("nix/vars.nix")!;

async function run(argv: string[], env: Record<string, string | undefined> = process.env) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    cwd: tmp,
    version: "9.8.7",
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    env,
  });
  return { code, stdout, stderr };
}

/** Loads a written module, its package imports pointed at this repository's sources. */
async function load<T>(file: string, exportName: string): Promise<T> {
  const text = fs
    .readFileSync(file, "utf8")
    .replace('"cdk8s-homelab/model"', JSON.stringify(path.join(repo, "lib/model/index.ts")))
    .replace('"cdk8s-homelab/k8s"', JSON.stringify(path.join(repo, "lib/k8s/index.ts")));
  const copy = `${file}.loaded.ts`;
  fs.writeFileSync(copy, text);
  return (await import(pathToFileURL(copy).href))[exportName] as T;
}

const write = (name: string, text: string): string => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
};

describe("import-vars", () => {
  itNix(
    "imports a nixlab-style vars.nix: the spec synthesizes and its vars.nix gives every attribute back",
    async () => {
      write("vars.nix", original);
      const r = await run(["import-vars", "vars.nix", "-o", "lab/homelab.ts", "--name", "nixlab"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('wrote lab/homelab.ts (preset "nixlab")');
      const module = fs.readFileSync(path.join(tmp, "lab/homelab.ts"), "utf8");
      expect(module).toContain("kubernetes.flux.url and kubernetes.certificates.acmeEmail are placeholders");
      expect(module).toContain("network.lan and network.gateway are guessed from the pool (192.168.1.0/24");
      const spec = await load<HomelabSpec>(path.join(tmp, "lab/homelab.ts"), "homelab");
      expect(spec.nix?.vars).toBe("nixlab");

      const rendered = render({ spec, source: "lab/homelab.ts" });
      const again = write("again.nix", rendered.files.get("nix/vars.nix")!);
      // Every attribute of the original, at every depth, evaluates equal in the new vars.nix.
      const subset = write(
        "subset.nix",
        `let
        sub = a: b: if builtins.isAttrs a
          then builtins.isAttrs b && builtins.all (k: builtins.hasAttr k b && sub a.\${k} b.\${k}) (builtins.attrNames a)
          else a == b;
      in sub (import ${path.join(tmp, "vars.nix")}) (import ${again})`,
      );
      expect(nixEvalBool({ file: subset })).toBe(true);
      // Placeholders: the lab synthesizes at once, and says what to replace.
      expect(rendered.warnings.map((w) => w.path.join("."))).toEqual(
        expect.arrayContaining(["kubernetes.flux.url", "kubernetes.certificates.acmeEmail"]),
      );
    },
  );

  itNix("init --from-vars scaffolds a lab whose Kubernetes side stands on the imported reservations", async () => {
    write("vars.nix", original);
    const r = await run(["init", "newlab", "--no-install", "--from-vars", "vars.nix"]);
    expect(r.code, r.stderr).toBe(0);
    const dir = path.join(tmp, "newlab");
    const k8s = fs.readFileSync(path.join(dir, "apps/kubernetes.ts"), "utf8");
    expect(k8s).toContain('addInfrastructure(app, { ingressController: { reservation: "nginx" } });');
    expect(k8s).toContain('new WireGuardGateway(app.apps, "wireguard");');
    const spec = await load<HomelabSpec>(path.join(dir, "apps/homelab.ts"), "homelab");
    const kubernetes = await load<(app: HomelabApp) => void>(path.join(dir, "apps/kubernetes.ts"), "defineKubernetes");
    const rendered = render({ spec, source: "apps/homelab.ts", kubernetes });
    expect(rendered.checks.findings.filter((f) => f.severity === "error")).toEqual([]);
    const release = rendered.files.get("dist/infrastructure/controllers/traefik.yaml")!;
    expect(release).toContain('metallb.io/loadBalancerIPs: "192.168.1.193"');
    expect(rendered.files.get("dist/apps/wireguard.yaml")).toContain("secretName: alice-wg-public-key");
    // The lab's own first test states the round trip.
    const labTest = fs.readFileSync(path.join(dir, "test/lab.test.ts"), "utf8");
    expect(labTest).toContain("expect(out.vars()).toMatchObject(imported);");
    expect(labTest).toContain('nginxIp: "192.168.1.193"');
    expect(synthLab({ spec, kubernetes }).vars()).toMatchObject(
      nixEvalJson({ file: path.join(tmp, "vars.nix") }) as object,
    );
  });

  itNix("a file that does not evaluate: the message says so, nothing is written", async () => {
    write("broken.nix", "{ domain = ; }");
    const r = await run(["import-vars", "broken.nix", "-o", "broken/homelab.ts"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("broken.nix does not evaluate (nix-instantiate --eval --strict --json)");
    expect(r.stderr).toContain("Nothing was written.");
    expect(fs.existsSync(path.join(tmp, "broken"))).toBe(false);
  });

  itNix("attributes of the wrong type are named by their path, nothing is written", async () => {
    write(
      "wrong.nix",
      original
        .replace('metallbPool = "192.168.1.192/26";', "metallbPool = 26;")
        .replace('disk = "/dev/sda";', 'disk = { device = "/dev/sda"; };'),
    );
    const r = await run(["import-vars", "wrong.nix", "-o", "wrong/homelab.ts"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('vars.metallbPool must be a CIDR block or range string ("192.168.1.192/26"), got 26');
    expect(r.stderr).toContain(
      'vars.nodes.master.disk must be a device string ("/dev/sda"), got {"device":"/dev/sda"}',
    );
    expect(fs.existsSync(path.join(tmp, "wrong"))).toBe(false);
  });

  it("nix-instantiate missing: says how to install it, nothing is written", async () => {
    write("vars.nix", original);
    const r = await run(["import-vars", "vars.nix", "-o", "nonix/homelab.ts"], { PATH: path.join(tmp, "no-bin") });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("nix-instantiate not found: install Nix (https://nixos.org/download;");
    expect(fs.existsSync(path.join(tmp, "nonix"))).toBe(false);
  });

  it("placeholders are names under .invalid, in the host of a URL or the domain of an e-mail only", () => {
    expect(isPlaceholder(PLACEHOLDER_FLUX_URL)).toBe(true);
    expect(isPlaceholder(PLACEHOLDER_ACME_EMAIL)).toBe(true);
    expect(isPlaceholder("https://git.example.invalid:8443/me/lab")).toBe(true);
    expect(isPlaceholder("https://github.com/me/lab.invalid")).toBe(false);
    expect(isPlaceholder("invalid@example.org")).toBe(false);
    expect(isPlaceholder("ssh://git@github.com/me/homelab")).toBe(false);
  });

  it("an existing spec module is not replaced without --force", async () => {
    write("vars.nix", original);
    write("kept.ts", "// mine\n");
    const r = await run(["import-vars", "vars.nix", "-o", "kept.ts"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("kept.ts exists; give another path with -o, or --force to replace it");
    expect(fs.readFileSync(path.join(tmp, "kept.ts"), "utf8")).toBe("// mine\n");
  });
});
