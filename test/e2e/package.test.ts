/**
 * The published package: `npm run build` compiles lib/ and imports/ to JavaScript with type
 * declarations, and a project that depends on it uses it through the package exports: plain
 * Node (no TypeScript loader) imports it by name, and a lab folder that imports it by name
 * (the fixture lab, written exactly like apps/) typechecks and synthesizes unchanged in a new
 * repository, with no `cdk8s-homelab-source` condition.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderLab } from "../helpers/lab.js";
import { fixtureLab, repo } from "../helpers/project.js";

const consumer = fs.mkdtempSync(path.join(os.tmpdir(), "package-consumer-"));
afterAll(() => fs.rmSync(consumer, { recursive: true, force: true }));

/**
 * A new repository that depends on the built package: node_modules/cdk8s-homelab is the build
 * (package.json + build/pkg), every other dependency links to this repository's node_modules.
 */
beforeAll(() => {
  const modules = path.join(consumer, "node_modules");
  fs.mkdirSync(modules);
  for (const name of fs.readdirSync(path.join(repo, "node_modules"))) {
    if (name !== ".bin" && name !== "cdk8s-homelab" && !name.startsWith("."))
      fs.symlinkSync(path.join(repo, "node_modules", name), path.join(modules, name));
  }
  const out = path.join(modules, "cdk8s-homelab");
  const tsc = path.join(repo, "node_modules/typescript/bin/tsc");
  const build = spawnSync(
    process.execPath,
    [tsc, "-p", "tsconfig.build.json", "--outDir", path.join(out, "build/pkg")],
    { cwd: repo, encoding: "utf8" },
  );
  expect(build.status, build.stdout + build.stderr).toBe(0);
  fs.copyFileSync(path.join(repo, "package.json"), path.join(out, "package.json"));
  expect(fs.existsSync(path.join(out, "build/pkg/lib/index.d.ts"))).toBe(true);
  expect(fs.existsSync(path.join(out, "lib")), "the package ships no TypeScript sources").toBe(false);
}, 180_000);

describe("the npm package", () => {
  it("a plain-JavaScript consumer imports it by name and synthesizes", () => {
    fs.writeFileSync(
      path.join(consumer, "main.mjs"),
      `import { Homelab, IngressedService } from "cdk8s-homelab";
import { rolePresets } from "cdk8s-homelab/model";
import { render } from "cdk8s-homelab/synth";
import { CheckError } from "cdk8s-homelab/check";
import { ApiObject } from "cdk8s";
const spec = {
  name: "t",
  network: { domain: "a.example.com", lan: "10.0.0.0/24", gateway: "10.0.0.1", metallbPool: "10.0.0.200-10.0.0.210", loadBalancerIps: { ingress: "10.0.0.200" } },
  hosts: [{ hostname: "n1", address: "10.0.0.10", roles: ["minimal-node", "k3s-server"] }],
  roles: rolePresets,
  kubernetes: { flux: { url: "https://github.com/x/y" }, certificates: { acmeEmail: "a@b.cd" } },
};
const lab = Homelab.create(spec);
const web = (app) => new IngressedService(app.apps, "web", { image: "nginx:1.27.3", port: 8080 });
const { files } = render({ spec, kubernetes: web });
const paths = [...files.keys()];
const host = files.get("dist/apps/web.yaml").match(/host: (\\S+)/)[1];
const k8s = paths.filter((p) => p.startsWith("dist/"));
// The schema check runs from the build too (core kinds, and the CRD schemas the package ships).
const typos = (app) => {
  web(app);
  new ApiObject(app.apps, "d", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "apps" },
    spec: { replicass: 1, selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } },
      spec: { containers: [{ name: "c", image: "nginx:1.27.3",
        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } } }] } } } });
  new ApiObject(app.apps, "h", { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease",
    metadata: { name: "h", namespace: "apps" }, spec: { interval: "1m", chartRef: { kind: "OCIRepository", name: "h" },
      intall: {} } });
};
let refused = [];
try { render({ spec, kubernetes: typos }); } catch (e) { refused = e instanceof CheckError ? e.problems : [String(e)]; }
console.log(JSON.stringify({ lab: lab.name, k8s, nix: paths.filter((p) => p.startsWith("nix/")), host, refused }));
`,
    );
    const run = spawnSync(process.execPath, ["main.mjs"], { cwd: consumer, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      lab: string;
      k8s: string[];
      nix: string[];
      host: string;
      refused: string[];
    };
    expect(result.lab).toBe("t");
    expect(result.k8s).toContain("dist/apps/web.yaml");
    expect(result.nix).toEqual(["nix/hosts/n1/roles.nix", "nix/vars.nix"]);
    expect(result.host).toBe("web.a.example.com");
    expect(result.refused).toEqual([
      expect.stringMatching(/^\[schema\] dist\/apps\/.*: Deployment apps\/d at spec\.replicass: unknown field/),
      expect.stringMatching(
        /^\[schema\] dist\/apps\/.*: HelmRelease apps\/h at spec\.intall: .*did you mean "install"/,
      ),
    ]);
  });

  it("a lab folder that imports the package by name typechecks and synthesizes unchanged in a new repository", () => {
    fs.cpSync(fixtureLab, path.join(consumer, "apps"), { recursive: true });
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as {
      version: string;
      dependencies: Record<string, string>;
    };
    const dependencies = {
      "cdk8s-homelab": pkg.version,
      cdk8s: pkg.dependencies.cdk8s,
      constructs: pkg.dependencies.constructs,
    };
    fs.writeFileSync(
      path.join(consumer, "package.json"),
      JSON.stringify({ name: "my-lab", private: true, type: "module", dependencies }),
    );
    // A lab repository's tsconfig: the consumer's view of the package (types, default), no source condition.
    fs.writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          types: ["node"],
          skipLibCheck: true,
          noEmit: true,
        },
        include: ["apps/**/*.ts"],
      }),
    );
    const tsc = spawnSync(process.execPath, [path.join(repo, "node_modules/typescript/bin/tsc"), "-p", "."], {
      cwd: consumer,
      encoding: "utf8",
    });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    const synth = spawnSync(process.execPath, ["--import", "tsx", "apps/main.ts"], { cwd: consumer, encoding: "utf8" });
    expect(synth.status, synth.stderr).toBe(0);
    expect(synth.stdout).toMatch(/^synth: \d+ files/);
    // What the built package wrote is what the sources render.
    const expected = renderLab();
    const written = [...expected.keys()].filter((p) => fs.existsSync(path.join(consumer, p)));
    expect(written).toEqual([...expected.keys()]);
    for (const [p, text] of expected) expect(fs.readFileSync(path.join(consumer, p), "utf8"), p).toBe(text);
  });

  it("every entry point of `exports` loads from the build with the same names as from the sources", async () => {
    const { exports } = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as {
      exports: Record<string, unknown>;
    };
    const specifiers = Object.keys(exports).map((s) => (s === "." ? "cdk8s-homelab" : `cdk8s-homelab/${s.slice(2)}`));
    fs.writeFileSync(
      path.join(consumer, "names.mjs"),
      `const out = {};\nfor (const s of ${JSON.stringify(specifiers)}) out[s] = Object.keys(await import(s)).sort();\n` +
        "console.log(JSON.stringify(out));\n",
    );
    const run = spawnSync(process.execPath, ["names.mjs"], { cwd: consumer, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const built = JSON.parse(run.stdout) as Record<string, string[]>;
    // This process resolves the package name to the sources (the cdk8s-homelab-source condition).
    const fromSource: Record<string, string[]> = {};
    for (const s of specifiers) fromSource[s] = Object.keys(await import(/* @vite-ignore */ s)).sort();
    expect(built).toEqual(fromSource);
    expect(built["cdk8s-homelab"]).toContain("defineLab");
  });
});
